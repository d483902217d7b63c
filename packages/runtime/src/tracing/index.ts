export * from './errors.ts';
export {
  type MessagingOperation,
  type MessagingSpan,
  natsHeaderGetter,
  natsHeaderSetter,
  traceIncoming,
  traceOutgoing,
} from './nats-context.ts';
export { isGrpcLoaded, startTracing, type Tracing, type TracingOptions, tracingDisabledByEnv } from './start.ts';
export { isTracingStarted } from './state.ts';
