// bystack issue | transfer | retire | faucet: build and sign with the wallet, submit to the
// mempool, wait for the confirmation with visible progress.
import { BTM_ASSET_ID, createRetireProgram, type MainChainParams } from '@bystack/protocol';
import type { Command, CommandContext, OptionSpecs } from '../cli/command.ts';
import { waitForConfirmation } from '../cli/progress.ts';
import { assetLabel, formatAmount, formatBtm, parseAmount, parseAsset, parseDestination } from '../cli/values.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { toHex } from '../hex.ts';
import { keysDir, loadKey } from '../keys/keyfile.ts';
import {
  type BuildTxOptions,
  buildTx,
  createWalletKey,
  type Issuance,
  issuedAssetId,
  type Payment,
  spendableUtxos,
} from '../wallet/index.ts';

const SEND_OPTIONS: OptionSpecs = {
  key: { type: 'string' },
  fee: { type: 'string' },
  'no-wait': { type: 'boolean' },
  timeout: { type: 'string' },
  confirmations: { type: 'string' },
};

const SEND_HELP = `  --fee AMOUNT        a fixed fee in neu (default: the smallest the gas needs)
  --no-wait           return once the mempool accepted it
  --timeout SECONDS   how long to wait for the confirmation (default 120)
  --confirmations N   blocks to wait for (default 1)`;

type SendPlan = {
  readonly keyRef: string;
  readonly payments: readonly Payment[];
  readonly issuances?: readonly Issuance[];
  /** What to say about it, e.g. "transfer 10 BTM to sm1q…". */
  readonly describe: string;
  readonly extra?: Record<string, unknown>;
};

async function send(ctx: CommandContext, plan: SendPlan): Promise<number> {
  const { chain } = ctx.endpoints();
  const { params } = chain;
  const loaded = loadKey(plan.keyRef, keysDir(ctx.str('keys-dir'), ctx.env));
  if (loaded.devnet && !chain.devnet) {
    throw new CliError(CliErrorCode.DEVNET_ONLY, `${plan.keyRef} is a devnet key; the chain is ${chain.name}`);
  }
  const key = createWalletKey(loaded.xprv);
  const client = ctx.client();
  const tip = await client.tip();
  const nextHeight = tip.height + 1n;
  const utxos = await spendableUtxos(client, key.controlProgram, {
    nextHeight,
    coinbaseMaturity: params.coinbaseMaturity,
  });
  const fee = ctx.str('fee');
  const feeRate = await mempoolFeeRate(ctx, params);
  const opts: BuildTxOptions = {
    key,
    utxos,
    params,
    blockHeight: nextHeight,
    payments: plan.payments,
    ...(plan.issuances ? { issuances: plan.issuances } : {}),
    ...(fee === undefined ? {} : { fee: parseAmount(fee, 'fee') }),
    ...(feeRate === undefined ? {} : { feeRate }),
  };
  const built = await buildTx(opts);
  ctx.out.line(`${plan.describe}`);
  ctx.out.line(`tx ${toHex(built.txId)}  fee ${formatBtm(built.fee)} BTM (${built.gasUsed} gas)`);
  const txId = await client.submitTx(built.bytes);
  ctx.out.line('accepted by the mempool');
  const result: Record<string, unknown> = { txId, fee: built.fee, gasUsed: built.gasUsed, ...plan.extra };
  if (ctx.flags['no-wait'] === true) {
    ctx.out.result({ ...result, status: 'pending' });
    return 0;
  }
  const timeout = Number(ctx.str('timeout') ?? '120');
  const confirmations = Number(ctx.str('confirmations') ?? '1');
  const confirmed = await waitForConfirmation(client, txId, {
    timeoutMs: timeout * 1000,
    confirmations,
  });
  ctx.out.line(`confirmed in block ${confirmed.height}`);
  ctx.out.result({ ...result, status: confirmed.status, height: confirmed.height });
  return 0;
}

/** The mempool's minimum fee rate, when it asks for more than the chain's gas rate. */
async function mempoolFeeRate(ctx: CommandContext, params: MainChainParams): Promise<bigint | undefined> {
  const info = await ctx.client().poolInfo();
  return info.minFeeRate > BigInt(params.gas.vmGasRate) ? info.minFeeRate : undefined;
}

function requireKey(ctx: CommandContext): string {
  const key = ctx.str('key');
  if (key === undefined) throw new CliError(CliErrorCode.BAD_ARGUMENT, 'missing --key (a key name, file or devnet:…)');
  return key;
}

function requireFlag(ctx: CommandContext, name: string): string {
  const value = ctx.str(name);
  if (value === undefined) throw new CliError(CliErrorCode.BAD_ARGUMENT, `missing --${name}`);
  return value;
}

/** Asset definition bytes: the JSON given (compacted, so the same definition always gives the same id). */
function definitionBytes(ctx: CommandContext): { bytes: Uint8Array; json: unknown } {
  const text = ctx.str('definition');
  const name = ctx.str('name');
  let json: unknown;
  if (text !== undefined) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new CliError(CliErrorCode.BAD_ARGUMENT, `--definition must be JSON, e.g. '{"name":"GOLD"}'`);
    }
  } else if (name !== undefined) {
    json = { name };
  } else {
    throw new CliError(CliErrorCode.BAD_ARGUMENT, 'missing --definition JSON (or --name NAME)');
  }
  return { bytes: new TextEncoder().encode(JSON.stringify(json)), json };
}

export const issue: Command = {
  name: 'issue',
  summary: 'issue new units of an asset the key controls (fee paid in BTM by the key)',
  usage: `--key KEY --amount N (--definition JSON | --name NAME) [--to ADDRESS|KEY]\n${SEND_HELP}`,
  options: {
    ...SEND_OPTIONS,
    amount: { type: 'string' },
    definition: { type: 'string' },
    name: { type: 'string' },
    to: { type: 'string' },
  },
  async run(ctx) {
    const keyRef = requireKey(ctx);
    const { params } = ctx.endpoints().chain;
    const amount = parseAmount(requireFlag(ctx, 'amount'));
    const definition = definitionBytes(ctx);
    const key = createWalletKey(loadKey(keyRef, keysDir(ctx.str('keys-dir'), ctx.env)).xprv);
    const assetId = issuedAssetId(key.issuanceProgram, definition.bytes);
    const to = ctx.str('to');
    const dest = to === undefined ? undefined : parseDestination(to, params, ctx.str('keys-dir'));
    ctx.out.line(`asset ${toHex(assetId)}`);
    return send(ctx, {
      keyRef,
      payments: dest ? [{ assetId, amount, controlProgram: dest.program }] : [],
      issuances: [{ definition: definition.bytes, amount }],
      describe: `issue ${amount} of ${toHex(assetId)}${dest ? ` to ${dest.address}` : ' to the key itself'}`,
      extra: { assetId, amount, definition: definition.json },
    });
  },
};

export const transfer: Command = {
  name: 'transfer',
  summary: 'pay an amount of an asset (default BTM) to an address',
  usage: `--key KEY --to ADDRESS|KEY --amount N [--asset ID|btm]\n${SEND_HELP}`,
  options: { ...SEND_OPTIONS, to: { type: 'string' }, amount: { type: 'string' }, asset: { type: 'string' } },
  async run(ctx) {
    const keyRef = requireKey(ctx);
    const { params } = ctx.endpoints().chain;
    const dest = parseDestination(requireFlag(ctx, 'to'), params, ctx.str('keys-dir'));
    const assetId = parseAsset(ctx.str('asset'));
    const amount = parseAmount(requireFlag(ctx, 'amount'));
    return send(ctx, {
      keyRef,
      payments: [{ assetId, amount, controlProgram: dest.program }],
      describe: `transfer ${formatAmount(assetId, amount)}${assetLabel(assetId) === 'BTM' ? '' : ` of ${toHex(assetId)}`} to ${dest.address}`,
      extra: { assetId, amount, to: dest.address },
    });
  },
};

export const retire: Command = {
  name: 'retire',
  summary: 'burn an amount of an asset (default BTM) with a retire program',
  usage: `--key KEY --amount N [--asset ID|btm] [--comment TEXT]\n${SEND_HELP}`,
  options: { ...SEND_OPTIONS, amount: { type: 'string' }, asset: { type: 'string' }, comment: { type: 'string' } },
  async run(ctx) {
    const keyRef = requireKey(ctx);
    const assetId = parseAsset(ctx.str('asset'));
    const amount = parseAmount(requireFlag(ctx, 'amount'));
    const comment = ctx.str('comment');
    const program = createRetireProgram(comment === undefined ? undefined : new TextEncoder().encode(comment));
    return send(ctx, {
      keyRef,
      payments: [{ assetId, amount, controlProgram: program }],
      describe: `retire ${formatAmount(assetId, amount)}${assetLabel(assetId) === 'BTM' ? '' : ` of ${toHex(assetId)}`}`,
      extra: { assetId, amount },
    });
  },
};

/** Default faucet payment: 100 BTM. */
const FAUCET_AMOUNT = 10_000_000_000n;

export const faucet: Command = {
  name: 'faucet',
  summary: 'devnet only: pay BTM from the devnet faucet to an address or key',
  usage: `<address|key> [--amount N]\n${SEND_HELP}`,
  options: { ...SEND_OPTIONS, amount: { type: 'string' } },
  async run(ctx) {
    const { chain } = ctx.endpoints();
    if (!chain.devnet)
      throw new CliError(CliErrorCode.DEVNET_ONLY, `the faucet exists only on a devnet, not on ${chain.name}`);
    const target = ctx.args[0];
    if (target === undefined) throw new CliError(CliErrorCode.BAD_ARGUMENT, 'missing address or key to pay');
    const dest = parseDestination(target, chain.params, ctx.str('keys-dir'));
    const amountText = ctx.str('amount');
    const amount = amountText === undefined ? FAUCET_AMOUNT : parseAmount(amountText);
    return send(ctx, {
      keyRef: 'devnet:faucet',
      payments: [{ assetId: BTM_ASSET_ID, amount, controlProgram: dest.program }],
      describe: `faucet: ${formatAmount(BTM_ASSET_ID, amount)} to ${dest.address}`,
      extra: { amount, to: dest.address },
    });
  },
};
