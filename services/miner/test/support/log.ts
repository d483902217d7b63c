// A logger that keeps its records, for assertions on what a module logged.
import { createLogger, type Logger } from '@bystack/runtime';

export type LogRecord = Record<string, unknown> & { msg: string; level: string };

export function recordingLogger(name = 'miner-test'): { log: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const log = createLogger({
    service: name,
    level: 'debug',
    sink: (line) => records.push(JSON.parse(line) as LogRecord),
  });
  return { log, records };
}
