import type { ConfigSource } from './types.ts';

export const ConfigErrorCode = {
  /** A required setting has no value. */
  Missing: 'CONFIG_MISSING',
  /** A value does not parse as its setting's type or is out of range. */
  Invalid: 'CONFIG_INVALID',
  /** The config file names a setting the schema does not have (usually a typo). */
  UnknownKey: 'CONFIG_UNKNOWN_KEY',
  /** The config file cannot be read. */
  FileUnreadable: 'CONFIG_FILE_UNREADABLE',
  /** The config file is not a JSON object. */
  FileMalformed: 'CONFIG_FILE_MALFORMED',
  /** A schema's own default does not parse (a bug in the service, not in its deployment). */
  BadDefault: 'CONFIG_BAD_DEFAULT',
} as const;
export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode];

/** One problem with one setting. */
export type ConfigIssue = {
  readonly code: ConfigErrorCode;
  /** The name an operator sets: the env variable, or the file key when the value came from the file. */
  readonly setting: string;
  /** Schema key (camelCase), or undefined for file-level problems. */
  readonly key: string | undefined;
  readonly source: ConfigSource | undefined;
  /** What a valid value looks like. */
  readonly expected: string;
  /** The rejected value as text, `<redacted>` for secrets, undefined when missing. */
  readonly got: string | undefined;
  readonly message: string;
};

/**
 * The configuration is unusable. `issues` lists every problem found (all settings are checked
 * before throwing); `code` and `setting` are those of the first.
 */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  readonly setting: string;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const first = issues[0];
    if (!first) throw new TypeError('ConfigError needs at least one issue');
    super(
      issues.length === 1
        ? `invalid configuration: ${first.message}`
        : `invalid configuration (${issues.length} problems): ${issues.map((i) => i.message).join('; ')}`,
    );
    this.name = 'ConfigError';
    this.code = first.code;
    this.setting = first.setting;
    this.issues = issues;
  }
}

export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof ConfigError;
}

/** Thrown by a field's `parse`; `detail` refines the field's `expected` ("at most 65535"). */
export class ConfigValueError extends Error {
  readonly detail: string | undefined;
  constructor(detail?: string) {
    super(detail ?? 'invalid value');
    this.name = 'ConfigValueError';
    this.detail = detail;
  }
}
