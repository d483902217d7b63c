// Whether `startTracing` started an SDK in this process. The NATS bus reads it on every message,
// so that with tracing off a publish or a handler costs one boolean test and nothing else: no
// headers object, no span, no context switch.
let started = false;

export function isTracingStarted(): boolean {
  return started;
}

export function setTracingStarted(on: boolean): void {
  started = on;
}
