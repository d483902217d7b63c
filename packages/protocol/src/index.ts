// @bystack/protocol: pure, deterministic consensus code. This file only re-exports.
export * from './chain/index.ts';
export * from './config/index.ts';
export * from './consensus/index.ts';
export * from './encoding/index.ts';
export * from './errors.ts';
export * from './hash/sha3.ts';
export * from './keys/index.ts';
export * from './pow/index.ts';
export * from './sidechain/index.ts';
export * from './validation/index.ts';
export * from './vm/index.ts';
