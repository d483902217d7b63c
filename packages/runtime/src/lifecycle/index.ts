export { ExitCode, isLifecycleError, LifecycleError, LifecycleErrorCode } from './errors.ts';
export { runService } from './run-service.ts';
export { runtimeConfigSchema } from './runtime-config.ts';
export { loadServiceConfig, prepareService, ServiceRuntime, startService } from './service.ts';
export { ShutdownHooks, type ShutdownResult } from './shutdown.ts';
export type {
  ModuleContext,
  RunServiceOptions,
  RuntimeConfigSchema,
  ServiceConfig,
  ServiceContext,
  ServiceHandle,
  ShutdownHook,
  StartServiceOptions,
} from './types.ts';
