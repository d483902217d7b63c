export * from './config/index.ts';
export * from './grpc/index.ts';
export * from './lifecycle/index.ts';
export * from './log/index.ts';
export * from './metrics/index.ts';
export * from './nats/index.ts';
export * from './store/index.ts';
export * from './tracing/index.ts';
