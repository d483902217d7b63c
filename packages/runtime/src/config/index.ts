export { ConfigError, ConfigErrorCode, type ConfigIssue, ConfigValueError, isConfigError } from './errors.ts';
export { parseDuration, setting } from './fields.ts';
export {
  configFilePath,
  DEFAULT_CONFIG_PREFIX,
  defineConfigSchema,
  envNameOf,
  loadConfig,
  redactConfig,
} from './load.ts';
export type {
  ConfigField,
  ConfigOf,
  ConfigSchema,
  ConfigSource,
  FieldOptions,
  FieldValue,
  LoadConfigOptions,
  Presence,
} from './types.ts';
