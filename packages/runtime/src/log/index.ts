export { createLogger, isLogLevel, serializeError, stringifyRecord } from './logger.ts';
export type { LogFields, Logger, LoggerOptions, LogSink, RecordLevel } from './types.ts';
export { LogLevel } from './types.ts';
