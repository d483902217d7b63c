// Loads a service's configuration once at start: defaults, then an optional JSON file, then
// environment variables (env wins), each value checked by its field. Every problem is collected so
// one failed start shows them all.
import { readFileSync } from 'node:fs';
import { ConfigError, ConfigErrorCode, type ConfigIssue, ConfigValueError } from './errors.ts';
import type { ConfigField, ConfigOf, ConfigSchema, ConfigSource, LoadConfigOptions } from './types.ts';

export const DEFAULT_CONFIG_PREFIX = 'BYSTACK_';

/** Identity, for inference: `const schema = defineConfigSchema({ grpcPort: setting.port(...) })`. */
export function defineConfigSchema<const S extends ConfigSchema>(schema: S): S {
  return schema;
}

/** `grpcPort` with prefix `BYSTACK_` -> `BYSTACK_GRPC_PORT` (unless the field names its own variable). */
export function envNameOf(key: string, field: ConfigField<unknown>, prefix = DEFAULT_CONFIG_PREFIX): string {
  if (field.env) return field.env;
  return prefix + key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The config file path from options, `--config <path>` / `--config=<path>`, or `<PREFIX>CONFIG`. */
export function configFilePath(opts: LoadConfigOptions = {}): string | undefined {
  if (opts.file !== undefined) return opts.file;
  const argv = opts.argv ?? process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--config') return argv[i + 1];
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  const env = opts.env ?? process.env;
  return nonEmpty(env[`${opts.prefix ?? DEFAULT_CONFIG_PREFIX}CONFIG`]);
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

export function loadConfig<S extends ConfigSchema>(schema: S, opts: LoadConfigOptions = {}): ConfigOf<S> {
  const prefix = opts.prefix ?? DEFAULT_CONFIG_PREFIX;
  const env = opts.env ?? process.env;
  const issues: ConfigIssue[] = [];
  const path = configFilePath(opts);
  const file = path === undefined ? {} : readConfigFile(path, schema, issues);

  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema)) {
    const envName = envNameOf(key, field, prefix);
    // An empty variable counts as unset, as `FOO=` in a manifest usually means "not configured".
    const fromEnv = nonEmpty(env[envName]);
    let source: ConfigSource | undefined;
    let raw: unknown;
    if (fromEnv !== undefined) [source, raw] = ['env', fromEnv];
    else if (Object.hasOwn(file, key)) [source, raw] = ['file', file[key]];
    else if (field.default !== undefined) [source, raw] = ['default', field.default];

    const setting = source === 'file' ? `${key} in ${path}` : envName;
    if (source === undefined) {
      if (field.required) {
        issues.push(
          issue(ConfigErrorCode.Missing, setting, key, undefined, field, undefined, 'is required but not set'),
        );
      }
      continue;
    }
    try {
      out[key] = field.parse(raw);
    } catch (err) {
      if (!(err instanceof ConfigValueError)) throw err;
      const code = source === 'default' ? ConfigErrorCode.BadDefault : ConfigErrorCode.Invalid;
      const got = field.secret ? '<redacted>' : describeValue(raw);
      issues.push(issue(code, setting, key, source, field, got, err.detail));
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze(out) as ConfigOf<S>;
}

function issue(
  code: ConfigErrorCode,
  setting: string,
  key: string | undefined,
  source: ConfigSource | undefined,
  field: ConfigField<unknown> | undefined,
  got: string | undefined,
  detail: string | undefined,
): ConfigIssue {
  const expected = field?.expected ?? '';
  const where =
    source === 'env' ? ` (${key}, from the environment)` : source === 'default' ? ` (${key}, schema default)` : '';
  const message =
    code === ConfigErrorCode.Missing
      ? `${setting} (${key}) ${detail}: expected ${expected}`
      : `${setting}${where}: expected ${expected}${detail ? ` (${detail})` : ''}, got ${got}`;
  return { code, setting, key, source, expected, got, message };
}

function describeValue(raw: unknown): string {
  const text = typeof raw === 'string' ? JSON.stringify(raw) : (JSON.stringify(raw) ?? String(raw));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function readConfigFile(path: string, schema: ConfigSchema, issues: ConfigIssue[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([fileIssue(ConfigErrorCode.FileUnreadable, path, `cannot read: ${(err as Error).message}`)]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([fileIssue(ConfigErrorCode.FileMalformed, path, `not JSON: ${(err as Error).message}`)]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError([fileIssue(ConfigErrorCode.FileMalformed, path, 'must hold a JSON object')]);
  }
  for (const key of Object.keys(parsed)) {
    if (!Object.hasOwn(schema, key)) {
      issues.push({
        code: ConfigErrorCode.UnknownKey,
        setting: `${key} in ${path}`,
        key,
        source: 'file',
        expected: `one of the settings ${Object.keys(schema).join(', ')}`,
        got: undefined,
        message: `${key} in ${path}: no such setting (known: ${Object.keys(schema).join(', ')})`,
      });
    }
  }
  return parsed as Record<string, unknown>;
}

function fileIssue(code: ConfigErrorCode, path: string, problem: string): ConfigIssue {
  return {
    code,
    setting: path,
    key: undefined,
    source: 'file',
    expected: 'a readable JSON object file',
    got: undefined,
    message: `config file ${path}: ${problem}`,
  };
}

/** The configuration with secrets replaced by `<redacted>`, fit for a start-up log line. */
export function redactConfig<S extends ConfigSchema>(schema: S, config: ConfigOf<S>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema)) {
    const value = (config as Record<string, unknown>)[key];
    out[key] = field.secret && value !== undefined ? '<redacted>' : value;
  }
  return out;
}
