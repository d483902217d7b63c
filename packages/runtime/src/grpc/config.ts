import { setting } from '../config/fields.ts';
import { defineConfigSchema } from '../config/load.ts';

/** Settings of a service's gRPC server; spread into the service's schema. */
export const grpcServerConfigSchema = defineConfigSchema({
  grpcHost: setting.string({ default: '0.0.0.0', minLength: 1, doc: 'Interface the gRPC server listens on' }),
  grpcPort: setting.port({ default: 50051, doc: 'gRPC port' }),
  grpcGrace: setting.duration({
    default: '10s',
    doc: 'Longest the in-flight gRPC calls may take to finish at shutdown',
  }),
});
