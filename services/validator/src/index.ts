// @bystack/validator: the main chain's validator service. This file only re-exports.
export { createChainService } from './api.ts';
export { BlockIndex, type IndexNode } from './block-index.ts';
export {
  BlockDisposition,
  type BlockSource,
  Chain,
  type ChainChange,
  type ChainOptions,
  type ProcessResult,
} from './chain.ts';
export { CHAIN_CONFIG_NAMES, type ChainConfig, type ChainConfigName, chainConfig } from './chain-config.ts';
export { validatorConfigSchema } from './config.ts';
export { isBlockVerdict, rejectionOf, ValidatorError, ValidatorErrorCode } from './errors.ts';
export { type EventMarker, EventPublisher, eventStreamSpec } from './events.ts';
export { buildValidator, type Validator, type ValidatorConfig } from './service.ts';
export { locatorFrom, NetSync } from './sync.ts';
