// The setting kinds a schema is built from. Each parses both environment strings and JSON values,
// so one schema serves the env and the config file.
import { ConfigValueError } from './errors.ts';
import type { ConfigField, FieldOptions, FieldValue, Presence } from './types.ts';

function makeField<T, O extends FieldOptions & Presence<unknown>>(
  expected: string,
  opts: O | undefined,
  parse: (raw: unknown) => T,
): ConfigField<FieldValue<T, O>> {
  const hasDefault = opts !== undefined && 'default' in opts && opts.default !== undefined;
  const optional = opts?.optional === true;
  return {
    expected,
    default: hasDefault ? (opts as { default: unknown }).default : undefined,
    required: !hasDefault && !optional,
    secret: opts?.secret === true,
    env: opts?.env,
    doc: opts?.doc,
    parse: parse as (raw: unknown) => FieldValue<T, O>,
  };
}

type StringOptions = FieldOptions & Presence<string> & { readonly minLength?: number; readonly pattern?: RegExp };

function string<const O extends StringOptions>(opts?: O): ConfigField<FieldValue<string, O>> {
  const minLength = opts?.minLength ?? 0;
  const pattern = opts?.pattern;
  let expected = 'a string';
  if (minLength > 0) expected += ` of at least ${minLength} characters`;
  if (pattern) expected += ` matching ${pattern}`;
  return makeField(expected, opts, (raw) => {
    if (typeof raw !== 'string') throw new ConfigValueError();
    if (raw.length < minLength || (pattern && !pattern.test(raw))) throw new ConfigValueError();
    return raw;
  });
}

type IntOptions = FieldOptions & Presence<number> & { readonly min?: number; readonly max?: number };

function parseInteger(raw: unknown): number {
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw;
  if (typeof raw === 'string' && /^\s*[-+]?\d+\s*$/.test(raw)) {
    const n = Number(raw);
    if (Number.isSafeInteger(n)) return n;
  }
  throw new ConfigValueError();
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` ${min}-${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

function int<const O extends IntOptions>(opts?: O): ConfigField<FieldValue<number, O>> {
  const { min, max } = opts ?? {};
  return makeField(`an integer${rangeText(min, max)}`, opts, (raw) => {
    const n = parseInteger(raw);
    if ((min !== undefined && n < min) || (max !== undefined && n > max)) throw new ConfigValueError();
    return n;
  });
}

type PortOptions = FieldOptions & Presence<number>;

function port<const O extends PortOptions>(opts?: O): ConfigField<FieldValue<number, O>> {
  return makeField('a port number 0-65535 (0 picks a free port)', opts, (raw) => {
    const n = parseInteger(raw);
    if (n < 0 || n > 65535) throw new ConfigValueError();
    return n;
  });
}

type UrlOptions = FieldOptions & Presence<string> & { readonly protocols?: readonly string[] };

function url<const O extends UrlOptions>(opts?: O): ConfigField<FieldValue<string, O>> {
  // Accept "nats" as well as "nats:" in the option; URL.protocol always ends with a colon.
  const protocols = opts?.protocols?.map((p) => (p.endsWith(':') ? p : `${p}:`));
  const expected = protocols ? `a URL with scheme ${protocols.map((p) => p.slice(0, -1)).join(' or ')}` : 'a URL';
  return makeField(expected, opts, (raw) => {
    if (typeof raw !== 'string' || !URL.canParse(raw)) throw new ConfigValueError();
    const parsed = new URL(raw);
    if (protocols && !protocols.includes(parsed.protocol)) throw new ConfigValueError();
    return raw;
  });
}

function enumOf<const V extends readonly [string, ...string[]], const O extends FieldOptions & Presence<V[number]>>(
  values: V,
  opts?: O,
): ConfigField<FieldValue<V[number], O>> {
  return makeField(`one of ${values.join(', ')}`, opts, (raw) => {
    if (typeof raw !== 'string' || !values.includes(raw)) throw new ConfigValueError();
    return raw as V[number];
  });
}

const truthy = new Set(['true', '1', 'yes', 'on']);
const falsy = new Set(['false', '0', 'no', 'off']);

function bool<const O extends FieldOptions & Presence<boolean>>(opts?: O): ConfigField<FieldValue<boolean, O>> {
  return makeField('a boolean (true/false, 1/0, yes/no, on/off)', opts, (raw) => {
    if (typeof raw === 'boolean') return raw;
    if (typeof raw === 'string') {
      const s = raw.trim().toLowerCase();
      if (truthy.has(s)) return true;
      if (falsy.has(s)) return false;
    }
    throw new ConfigValueError();
  });
}

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const durationPart = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** Parses "250ms", "10s", "1m30s", "1.5h", or a bare number of milliseconds. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s);
  if (s === '') return undefined;
  let total = 0;
  durationPart.lastIndex = 0;
  while (durationPart.lastIndex < s.length) {
    const m = durationPart.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * unitMs[m[2] as string]!;
  }
  return Math.round(total);
}

type DurationOptions = FieldOptions & Presence<number | string> & { readonly min?: number; readonly max?: number };

/** A duration in milliseconds: "500ms", "10s", "2m", "1h", "1m30s", or a number of milliseconds. */
function duration<const O extends DurationOptions>(opts?: O): ConfigField<FieldValue<number, O>> {
  const { min, max } = opts ?? {};
  const range = min !== undefined || max !== undefined ? ` (milliseconds${rangeText(min, max)})` : '';
  return makeField(`a duration such as 500ms, 10s, 2m, 1h${range}`, opts, (raw) => {
    const ms =
      typeof raw === 'number' && Number.isFinite(raw) && raw >= 0
        ? Math.round(raw)
        : typeof raw === 'string'
          ? parseDuration(raw)
          : undefined;
    if (ms === undefined || (min !== undefined && ms < min) || (max !== undefined && ms > max)) {
      throw new ConfigValueError();
    }
    return ms;
  });
}

/** Setting kinds: `grpcPort: setting.port({ default: 50051 })`, `natsUrl: setting.url({ protocols: ['nats'] })`. */
export const setting = { string, int, port, url, enumOf, bool, duration } as const;
