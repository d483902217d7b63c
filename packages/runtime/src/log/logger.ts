// Structured JSON logs: one line per record, `{time, level, service, msg, trace_id?, span_id?, ...fields}`.
// The trace ids come from the active OpenTelemetry span, so a log line joins the trace it was written in.
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { LogFields, Logger, LoggerOptions, LogLevel, LogSink, RecordLevel } from './types.ts';

const severity: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Keys every record owns; a field with one of these names is written as `<name>_`. */
const reserved = new Set(['time', 'level', 'service', 'msg', 'trace_id', 'span_id']);

// A closed stdout (the reader of the pipe went away) must not become an uncaught EPIPE: the service's
// handler would log it to the same stdout and fail again, forever. Lines are dropped from then on.
let stdoutBroken = false;
let stdoutWatched = false;
const stdoutSink: LogSink = (line) => {
  if (!stdoutWatched) {
    stdoutWatched = true;
    process.stdout.on('error', () => {
      stdoutBroken = true;
    });
  }
  if (!stdoutBroken) process.stdout.write(`${line}\n`);
};

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.hasOwn(severity, value);
}

export function createLogger(opts: LoggerOptions): Logger {
  return new JsonLogger(
    opts.service,
    opts.level ?? 'info',
    opts.sink ?? stdoutSink,
    opts.now ?? (() => new Date()),
    opts.fields ?? {},
  );
}

class JsonLogger implements Logger {
  readonly level: LogLevel;
  private readonly service: string;
  private readonly sink: LogSink;
  private readonly now: () => Date;
  private readonly bound: LogFields;
  private readonly threshold: number;

  constructor(service: string, level: LogLevel, sink: LogSink, now: () => Date, bound: LogFields) {
    this.service = service;
    this.level = level;
    this.sink = sink;
    this.now = now;
    this.bound = bound;
    this.threshold = severity[level];
  }

  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields);
  }

  isEnabled(level: RecordLevel): boolean {
    return severity[level] >= this.threshold;
  }

  child(fields: LogFields): Logger {
    return new JsonLogger(this.service, this.level, this.sink, this.now, { ...this.bound, ...fields });
  }

  private write(level: RecordLevel, msg: string, fields: LogFields | undefined): void {
    if (severity[level] < this.threshold) return;
    const record: Record<string, unknown> = { time: this.now().toISOString(), level, service: this.service, msg };
    const span = trace.getActiveSpan()?.spanContext();
    if (span && isSpanContextValid(span)) {
      record.trace_id = span.traceId;
      record.span_id = span.spanId;
    }
    addFields(record, this.bound);
    if (fields) addFields(record, fields);
    this.sink(stringifyRecord(record));
  }
}

function addFields(record: Record<string, unknown>, fields: LogFields): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    record[reserved.has(key) ? `${key}_` : key] = value;
  }
}

/** JSON with bigint as decimal strings, bytes as hex, errors as {name, message, code, stack, cause}. */
export function stringifyRecord(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, replacer);
  } catch (err) {
    // A circular structure must not lose the record: keep the envelope and say why the fields went.
    const { time, level, service, msg } = record;
    return JSON.stringify({ time, level, service, msg, log_error: String(err) });
  }
}

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  // Read the holder: a Buffer has already been through its own toJSON by now.
  const raw = this[key];
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex');
  if (value instanceof Error) return serializeError(value);
  return value;
}

export function serializeError(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (err.stack) out.stack = err.stack;
  if (err.cause !== undefined) out.cause = err.cause instanceof Error ? serializeError(err.cause) : err.cause;
  return out;
}
