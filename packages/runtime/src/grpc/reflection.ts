// Server reflection (grpc.reflection.v1 and v1alpha, from @grpc/reflection), so grpcurl and similar
// tools can list and call the services. It reads the .proto files through @grpc/proto-loader.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';

/** The repository's proto/ directory (packages/runtime/src/grpc -> ../../../../proto). */
export function defaultProtoRoot(): string {
  return fileURLToPath(new URL('../../../../proto/', import.meta.url));
}

/** Every .proto file under `root`, relative to it. */
export function listProtoFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.proto'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

export type ReflectionOptions = {
  readonly protoRoot?: string;
  readonly protoFiles?: readonly string[];
};

/** Adds reflection for `services` (fully qualified names); the health service is described too. */
export function addReflection(server: Server, services: readonly string[], opts: ReflectionOptions = {}): void {
  const root = opts.protoRoot ?? defaultProtoRoot();
  let files: readonly string[];
  try {
    files = opts.protoFiles ?? listProtoFiles(root);
  } catch (err) {
    throw new Error(
      `gRPC reflection: cannot list .proto files in ${root} (set reflection.protoRoot, or reflection: false)`,
      {
        cause: err,
      },
    );
  }
  const definition = loadSync([...files, healthProtoPath], { includeDirs: [root] });
  new ReflectionService(definition, { services: [...services] }).addToServer(server);
}
