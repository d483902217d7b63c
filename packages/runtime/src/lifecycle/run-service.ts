// A service's `main`:
//   await runService({ name: 'mempool', configSchema, build: async (ctx) => { ...modules... } });
// SIGTERM/SIGINT start a graceful shutdown; a second signal exits at once with 1. Exit code 0 after
// a clean shutdown, 1 if the build, a shutdown hook or the timeout failed, 78 on bad configuration.
import { isConfigError } from '../config/errors.ts';
import type { ConfigSchema } from '../config/types.ts';
import { createLogger } from '../log/logger.ts';
import { ExitCode, isLifecycleError } from './errors.ts';
import { prepareService, type ServiceRuntime } from './service.ts';
import type { RunServiceOptions, ServiceConfig } from './types.ts';

export async function runService<S extends ConfigSchema, M>(opts: RunServiceOptions<S, M>): Promise<number> {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let runtime: ServiceRuntime<ServiceConfig<S>>;
  try {
    runtime = prepareService(opts);
  } catch (err) {
    if (!isConfigError(err)) throw err;
    const log = createLogger({ service: opts.name, ...(opts.logSink ? { sink: opts.logSink } : {}) });
    log.error(err.message, { code: err.code, setting: err.setting, issues: err.issues });
    exit(ExitCode.ConfigInvalid);
    return ExitCode.ConfigInvalid;
  }
  const { log } = runtime;

  const signals = opts.signals ?? ['SIGTERM', 'SIGINT'];
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      log.error('second signal during shutdown, exiting now', { signal });
      exit(ExitCode.Failure);
      return;
    }
    signalled = true;
    void runtime.stop(signal);
  };
  const onUncaught = (err: unknown) => {
    log.error('uncaught exception', { err });
    void runtime.stop('uncaught exception', err);
  };
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);

  try {
    await runtime.build(opts.build);
  } catch (err) {
    // runtime.build already logged it and shut down what was built.
    if (!isLifecycleError(err)) throw err;
  }
  const code = await runtime.stopped;
  for (const s of signals) process.off(s, onSignal);
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  exit(code);
  return code;
}
