export { createGrpcClient, DEFAULT_DEADLINE_MS } from './client.ts';
export { grpcServerConfigSchema } from './config.ts';
export {
  ERROR_CODE_KEY,
  ERROR_DETAIL_KEY,
  isRpcError,
  RpcError,
  RpcErrorCode,
  type RpcErrorOptions,
  rpcErrorFromServiceError,
  rpcErrorToStatus,
  statusName,
  statusOfCode,
  type WireStatus,
} from './errors.ts';
export { methodLabel } from './handlers.ts';
export { HEALTH_SERVICE_NAME, HealthService } from './health.ts';
export { addReflection, defaultProtoRoot, listProtoFiles, type ReflectionOptions } from './reflection.ts';
export {
  backoffDelay,
  DEFAULT_RETRY,
  declaredIdempotent,
  declareIdempotent,
  type RetryPolicy,
  retryPolicy,
} from './retry.ts';
export { createGrpcServer, GrpcServer, serviceNameOf } from './server.ts';
export type {
  CallOptions,
  GrpcClient,
  GrpcClientOptions,
  GrpcServerOptions,
  MethodDef,
  RequestOf,
  ResponseOf,
  RetryEvent,
  RetryOptions,
  RpcCallContext,
  ServerStreamHandler,
  ServiceDef,
  ServiceImplementation,
  UnaryHandler,
} from './types.ts';
