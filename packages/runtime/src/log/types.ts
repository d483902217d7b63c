/** Log levels, lowest first. `silent` turns a logger off (tests, tools). */
export const LogLevel = {
  Debug: 'debug',
  Info: 'info',
  Warn: 'warn',
  Error: 'error',
  Silent: 'silent',
} as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** Levels a record can be written at (every level but `silent`). */
export type RecordLevel = Exclude<LogLevel, 'silent'>;

/** Extra structured fields of one record, or fields bound to a child logger. */
export type LogFields = Readonly<Record<string, unknown>>;

/** Receives one complete JSON line (without the newline). */
export type LogSink = (line: string) => void;

export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** True when a record at `level` would be written (to skip building costly fields). */
  isEnabled(level: RecordLevel): boolean;
  /** A logger writing to the same sink with `fields` added to every record. */
  child(fields: LogFields): Logger;
}

export type LoggerOptions = {
  /** The `service` field of every record. */
  readonly service: string;
  /** Minimum level written (default `info`). */
  readonly level?: LogLevel;
  /** Where lines go (default: process.stdout). */
  readonly sink?: LogSink;
  /** Fields bound to every record of this logger. */
  readonly fields?: LogFields;
  /** Clock for the `time` field (tests). */
  readonly now?: () => Date;
};
