// The standard health service (grpc.health.v1.Health, from grpc-health-check): the overall status
// ('') and one per registered service. At shutdown every status turns NOT_SERVING and open Watch
// streams are ended, so watchers learn it and the server can drain without waiting for them.
import type { Server, ServerWritableStream, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';

export const HEALTH_SERVICE_NAME = 'grpc.health.v1.Health';

export class HealthService {
  private readonly impl = new HealthImplementation({ '': 'NOT_SERVING' });
  private readonly services = new Set<string>(['']);
  private readonly watches = new Set<ServerWritableStream<unknown, unknown>>();
  private final = false;

  addToServer(server: Server): void {
    this.impl.addToServer({
      addService: (definition, implementation) => {
        const watch = implementation.watch as (call: ServerWritableStream<unknown, unknown>) => void;
        const wrapped: UntypedServiceImplementation = {
          ...implementation,
          watch: (call: ServerWritableStream<unknown, unknown>) => {
            this.watches.add(call);
            call.once('cancelled', () => this.watches.delete(call));
            watch(call);
          },
        };
        server.addService(definition as unknown as ServiceDefinition, wrapped);
      },
    });
  }

  /** Declares a service (NOT_SERVING until `setAll('SERVING')`). */
  register(service: string): void {
    this.services.add(service);
    this.impl.setStatus(service, 'NOT_SERVING');
  }

  /** Sets one service's status (e.g. NOT_SERVING while a dependency is down); ignored after shutdown. */
  set(service: string, status: ServingStatus): void {
    if (this.final) return;
    this.services.add(service);
    this.impl.setStatus(service, status);
  }

  setAll(status: ServingStatus): void {
    for (const service of this.services) this.set(service, status);
  }

  /** NOT_SERVING for good, then ends every Watch stream (the status was written first). */
  shutdown(): void {
    this.setAll('NOT_SERVING');
    this.final = true;
    for (const call of this.watches) call.end();
    this.watches.clear();
  }
}
