/**
 * One setting of a service's configuration. `T` is the parsed type; it includes `undefined`
 * for optional settings without a default.
 */
export interface ConfigField<T> {
  /** What a valid value looks like, for error messages: "a port number 0-65535". */
  readonly expected: string;
  /** Raw default (parsed like a file value at load time); `undefined` when none. */
  readonly default: unknown;
  /** No value and no default is an error. */
  readonly required: boolean;
  /** The value never appears in errors or in `redactConfig`. */
  readonly secret: boolean;
  /** Environment variable name overriding the derived PREFIX_SNAKE_CASE one. */
  readonly env: string | undefined;
  /** One line for operators. */
  readonly doc: string | undefined;
  /** Parses a raw value (an env string or a JSON value); throws ConfigValueError when invalid. */
  parse(raw: unknown): T;
}

/** A configuration schema: setting name (camelCase) -> field. */
export type ConfigSchema = Readonly<Record<string, ConfigField<unknown>>>;

/** The typed configuration a schema describes. */
export type ConfigOf<S extends ConfigSchema> = {
  readonly [K in keyof S]: S[K] extends ConfigField<infer T> ? T : never;
};

/** Options every field kind accepts. */
export type FieldOptions = {
  readonly doc?: string;
  /** Full environment variable name, instead of PREFIX + SNAKE_CASE of the key. */
  readonly env?: string;
  readonly secret?: boolean;
};

/** Either a default, or `optional: true` (the value may be absent), or neither (required). */
export type Presence<D> = { readonly default?: D; readonly optional?: false } | { readonly optional: true };

/** The parsed type of a field built with options `O`. */
export type FieldValue<T, O> = O extends { optional: true } ? T | undefined : T;

/** Where a setting's value came from. */
export type ConfigSource = 'env' | 'file' | 'default';

export type LoadConfigOptions = {
  /** Environment variable prefix (default `BYSTACK_`). */
  readonly prefix?: string;
  /** Environment to read (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Command-line arguments; `--config <path>` or `--config=<path>` names the JSON file (default process.argv). */
  readonly argv?: readonly string[];
  /** JSON file path; overrides argv and the `<PREFIX>CONFIG` environment variable. */
  readonly file?: string;
};
