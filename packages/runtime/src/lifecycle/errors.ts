export const LifecycleErrorCode = {
  /** The abort reason modules see on their signal: the service is shutting down. */
  ServiceStopping: 'SERVICE_STOPPING',
  /** `build` threw; the modules built so far were shut down. */
  BuildFailed: 'BUILD_FAILED',
  /** A shutdown hook threw. */
  ShutdownFailed: 'SHUTDOWN_FAILED',
  /** The shutdown hooks did not finish within the shutdown timeout. */
  ShutdownTimeout: 'SHUTDOWN_TIMEOUT',
} as const;
export type LifecycleErrorCode = (typeof LifecycleErrorCode)[keyof typeof LifecycleErrorCode];

export class LifecycleError extends Error {
  readonly code: LifecycleErrorCode;
  constructor(code: LifecycleErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LifecycleError';
    this.code = code;
  }
}

export function isLifecycleError(err: unknown): err is LifecycleError {
  return err instanceof LifecycleError;
}

/** Process exit codes of `runService`. */
export const ExitCode = {
  Ok: 0,
  /** Build failed, a shutdown hook failed or timed out, an uncaught exception, or a second signal. */
  Failure: 1,
  /** Invalid configuration (EX_CONFIG from sysexits.h): fix the deployment, retrying will not help. */
  ConfigInvalid: 78,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
