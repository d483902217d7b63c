export * from './devnet.ts';
export * from './devnet-peg-in.ts';
export * from './devnet-side-spend.ts';
export * from './genesis.ts';
export * from './genesis-mainnet.ts';
export * from './named-chains.ts';
export * from './params.ts';
