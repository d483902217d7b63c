export const TracingErrorCode = {
  /** `startTracing` was already called in this process (one SDK per process). */
  AlreadyStarted: 'TRACING_ALREADY_STARTED',
  /** A tracing option is out of range; `detail.setting` names it. */
  InvalidOption: 'TRACING_INVALID_OPTION',
} as const;
export type TracingErrorCode = (typeof TracingErrorCode)[keyof typeof TracingErrorCode];

export class TracingError extends Error {
  readonly code: TracingErrorCode;
  readonly detail: Readonly<Record<string, unknown>> | undefined;

  constructor(code: TracingErrorCode, message: string, detail?: Record<string, unknown>) {
    super(`${code}: ${message}`);
    this.name = 'TracingError';
    this.code = code;
    this.detail = detail;
  }
}

export function isTracingError(err: unknown, code?: TracingErrorCode): err is TracingError {
  return err instanceof TracingError && (code === undefined || err.code === code);
}
