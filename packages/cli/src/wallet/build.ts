// Builds and signs a main-chain transaction for one key: issuances, payments (a retire program
// burns), coin selection per asset, change back to the key, and the fee. The fee is the smallest
// number of whole gas units (x the rate) for which the signed transaction passes the protocol's own
// stateless validation (`validateTxStateless`: storage gas of its size plus every program's VM gas);
// each candidate fee is a complete rebuild, as the fee moves the change output and maybe the coins.
// The result is checked like a validator would, signatures included, before anyone sees it.

import { randomBytes } from 'node:crypto';
import {
  BTM_ASSET_ID,
  createSignatureVerifier,
  createTxEntries,
  encodeTx,
  type IssuanceInput,
  isValidationError,
  type MainChainParams,
  type SpendInput,
  type Tx,
  type TxOutput,
  txId,
  type ValidationError,
  ValidationErrorCode,
  validateTxStateless,
  verifySignatureSets,
} from '@bystack/protocol';
import { toHex } from '../hex.ts';
import { selectCoins } from './coin-select.ts';
import { WalletError, WalletErrorCode } from './errors.ts';
import { ISSUANCE_VM_VERSION, issuedAssetId } from './key.ts';
import { signTx } from './sign.ts';
import type { Issuance, Payment, SpendableUtxo, WalletKey } from './types.ts';

const MAX_AMOUNT = (1n << 63n) - 1n;
const MAX_FEE_ROUNDS = 12;

export type BuildTxOptions = {
  readonly key: WalletKey;
  /** The key's spendable coins (see spendableUtxos). */
  readonly utxos: readonly SpendableUtxo[];
  readonly params: MainChainParams;
  /** Height of the block the transaction is meant for (the tip's + 1). */
  readonly blockHeight: bigint;
  readonly payments: readonly Payment[];
  readonly issuances?: readonly Issuance[];
  /** Where leftovers go (default: the key's own program). */
  readonly changeProgram?: Uint8Array;
  /** A fixed fee in neu; without it the wallet computes the smallest fee the gas needs. */
  readonly fee?: bigint;
  /** Neu per gas unit (default the chain's vmGasRate); a mempool may ask for more. */
  readonly feeRate?: bigint;
  /** Highest block height the transaction may be mined at (0: none). */
  readonly timeRange?: bigint;
};

export type BuiltTx = {
  readonly tx: Tx;
  readonly bytes: Uint8Array;
  readonly txId: Uint8Array;
  readonly fee: bigint;
  readonly gasUsed: number;
  /** The coins it spends. */
  readonly spent: readonly SpendableUtxo[];
  /** The asset id of each issuance, in order. */
  readonly issuedAssetIds: readonly Uint8Array[];
};

export async function buildTx(opts: BuildTxOptions): Promise<BuiltTx> {
  for (const p of opts.payments) checkAmount(p.amount, 'payment amount');
  for (const i of opts.issuances ?? []) checkAmount(i.amount, 'issued amount');
  const issuanceInputs = (opts.issuances ?? []).map((i) => issuanceInput(opts.key, i));
  const rate = opts.feeRate ?? BigInt(opts.params.gas.vmGasRate);
  const attempt = (fee: bigint) => tryFee(opts, issuanceInputs, fee);

  if (opts.fee !== undefined) {
    const built = attempt(opts.fee);
    if (built instanceof Error) throw built;
    return check(built, opts);
  }
  // Grow the fee (in whole gas units) until the transaction pays for itself...
  let units = 2_000n;
  let passing: BuiltTx | undefined;
  for (let round = 0; passing === undefined; round++) {
    if (round === MAX_FEE_ROUNDS) throw new WalletError(WalletErrorCode.FEE_NOT_FOUND, 'the fee did not settle');
    const built = attempt(units * rate);
    if (built instanceof Error) units *= 2n;
    else if (BigInt(built.gasUsed) > units) units = BigInt(built.gasUsed);
    else passing = built;
  }
  // ...then find the fewest units that still pass: at least the gas used, often a little more, as
  // the VM charges for stack memory while a program runs and refunds it when the items are popped.
  let lo = BigInt(passing.gasUsed);
  let hi = units;
  while (lo < hi) {
    const mid = (lo + hi) / 2n;
    const built = attempt(mid * rate);
    if (built instanceof Error) lo = mid + 1n;
    else [hi, passing] = [mid, built];
  }
  return check(passing, opts);
}

/** The signed transaction paying `fee`, or the gas error validation gives it; other errors throw. */
function tryFee(opts: BuildTxOptions, issuances: readonly IssuanceInput[], fee: bigint): BuiltTx | ValidationError {
  const assembled = assemble(opts, issuances, fee);
  const tx = signTx(assembled.tx, opts.key);
  try {
    const { gasUsed } = validateTxStateless(tx, createTxEntries(tx), {
      params: opts.params,
      blockHeight: opts.blockHeight,
    });
    return finish(tx, fee, gasUsed, assembled.spent, opts, issuances);
  } catch (err) {
    if (isValidationError(err) && err.code === ValidationErrorCode.INSUFFICIENT_GAS) return err;
    throw err;
  }
}

function checkAmount(amount: bigint, what: string): void {
  if (amount <= 0n || amount > MAX_AMOUNT) {
    throw new WalletError(WalletErrorCode.BAD_AMOUNT, `${what} must be between 1 and ${MAX_AMOUNT}, got ${amount}`);
  }
}

function issuanceInput(key: WalletKey, issuance: Issuance): IssuanceInput {
  return {
    type: 'issuance',
    nonce: issuance.nonce ?? new Uint8Array(randomBytes(8)),
    amount: issuance.amount,
    assetDefinition: issuance.definition,
    vmVersion: ISSUANCE_VM_VERSION,
    issuanceProgram: key.issuanceProgram,
    arguments: [],
  };
}

type AssetTotals = Map<string, { assetId: Uint8Array; amount: bigint }>;

function add(totals: AssetTotals, assetId: Uint8Array, amount: bigint): void {
  const key = toHex(assetId);
  const entry = totals.get(key) ?? { assetId, amount: 0n };
  entry.amount += amount;
  totals.set(key, entry);
}

/** The unsigned transaction paying `fee`: selected coins, issuances, payments, then change per asset. */
function assemble(
  opts: BuildTxOptions,
  issuances: readonly IssuanceInput[],
  fee: bigint,
): { tx: Tx; spent: SpendableUtxo[] } {
  const btm = toHex(BTM_ASSET_ID);
  const need: AssetTotals = new Map();
  for (const p of opts.payments) add(need, p.assetId, p.amount);
  add(need, BTM_ASSET_ID, fee);
  const issued: AssetTotals = new Map();
  issuances.forEach((input, i) => {
    add(issued, issuedAssetId(input.issuanceProgram, opts.issuances![i]!.definition), input.amount);
  });
  for (const [key, { assetId }] of issued) if (!need.has(key)) add(need, assetId, 0n);

  const spent: SpendableUtxo[] = [];
  const change: TxOutput[] = [];
  const changeProgram = opts.changeProgram ?? opts.key.controlProgram;
  // BTM last, so its change output (the one the fee moves) is the last output.
  const order = [...need.keys()].sort((a, b) => (a === btm ? 1 : b === btm ? -1 : a.localeCompare(b)));
  for (const key of order) {
    const { assetId, amount } = need.get(key)!;
    const fromIssuance = issued.get(key)?.amount ?? 0n;
    const coins = opts.utxos.filter((u) => toHex(u.assetId) === key);
    const { selected, total } = selectOrExplain(coins, amount - fromIssuance, key === btm ? fee : 0n, key);
    spent.push(...selected);
    const left = total + fromIssuance - amount;
    if (left > 0n) change.push({ assetId, amount: left, controlProgram: changeProgram });
  }
  const outputs: TxOutput[] = [
    ...opts.payments.map((p) => ({ assetId: p.assetId, amount: p.amount, controlProgram: p.controlProgram })),
    ...change,
  ];
  const inputs = [...spent.map(spendInput), ...issuances];
  return { tx: { version: 1n, timeRange: opts.timeRange ?? 0n, inputs, outputs }, spent };
}

/** selectCoins, with a shortfall said in the terms of the request (amount, and the fee for BTM). */
function selectOrExplain(coins: readonly SpendableUtxo[], target: bigint, fee: bigint, assetKey: string) {
  try {
    return selectCoins(coins, target);
  } catch (err) {
    if (!(err instanceof WalletError) || err.code !== WalletErrorCode.INSUFFICIENT_FUNDS) throw err;
    const have = coins.reduce((sum, c) => sum + c.amount, 0n);
    const what =
      fee > 0n
        ? `it can spend ${have} neu of BTM, and ${target - fee} neu plus a fee of about ${fee} neu are needed`
        : `it can spend ${have} of asset ${assetKey}, and ${target} are needed`;
    throw new WalletError(WalletErrorCode.INSUFFICIENT_FUNDS, what, { have, need: target });
  }
}

function spendInput(coin: SpendableUtxo): SpendInput {
  return {
    type: 'spend',
    sourceId: coin.sourceId,
    assetId: coin.assetId,
    amount: coin.amount,
    sourcePosition: coin.sourcePosition,
    controlProgram: coin.controlProgram,
    arguments: [],
  };
}

function finish(
  tx: Tx,
  fee: bigint,
  gasUsed: number,
  spent: readonly SpendableUtxo[],
  opts: BuildTxOptions,
  issuances: readonly IssuanceInput[],
): BuiltTx {
  return {
    tx,
    bytes: encodeTx(tx),
    txId: txId(tx),
    fee,
    gasUsed,
    spent,
    issuedAssetIds: issuances.map((input, i) => issuedAssetId(input.issuanceProgram, opts.issuances![i]!.definition)),
  };
}

/** What a validator checks without state: format, balance, gas and every signature. */
async function check(built: BuiltTx, opts: BuildTxOptions): Promise<BuiltTx> {
  const { signatureSets } = validateTxStateless(built.tx, createTxEntries(built.tx), {
    params: opts.params,
    blockHeight: opts.blockHeight,
  });
  await verifySignatureSets(createSignatureVerifier(), signatureSets);
  return built;
}
