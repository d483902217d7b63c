// bystack tip | tx status | watch | balance
import { type Block, BTM_ASSET_ID, blockId, decodeBlock } from '@bystack/protocol';
import type { Command, CommandContext } from '../cli/command.ts';
import { assetLabel, formatAmount, parseDestination, parseTxId } from '../cli/values.ts';
import { type SideChainName, sideChainNamed } from '../devnet/side-chains.ts';
import { resolveSideChainEndpoints } from '../endpoints.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { equalBytes, toHex } from '../hex.ts';
import { SideChainClient } from '../side-chain-client.ts';
import { isMature } from '../wallet/index.ts';

export const tip: Command = {
  name: 'tip',
  summary: "show the chain tip (a side chain's too: --chain side-1, with its last irreversible block)",
  usage: '[--chain side-1|side-2]',
  options: {},
  async run(ctx) {
    const side = sideChainNamed(ctx.str('chain') ?? ctx.env.BYSTACK_CHAIN ?? '');
    if (side !== undefined) return sideTip(ctx, side);
    const t = await ctx.client().tip();
    ctx.out.line(`height ${t.height}  block ${toHex(t.blockId)}`);
    ctx.out.result({ height: t.height, blockId: t.blockId });
    return 0;
  },
};

async function sideTip(ctx: CommandContext, chain: SideChainName): Promise<number> {
  const endpoints = resolveSideChainEndpoints(
    chain,
    { validator: ctx.str('validator'), dataDir: ctx.str('data-dir'), node: ctx.str('node') },
    ctx.env,
  );
  const client = new SideChainClient(endpoints.chainId, endpoints.validator);
  try {
    const t = await client.tip();
    ctx.out.line(
      `${endpoints.chainId}  height ${t.height}  block ${toHex(t.blockId)}  irreversible ${t.irreversibleHeight} (${toHex(t.irreversibleId).slice(0, 16)}…)`,
    );
    ctx.out.result({
      chainId: endpoints.chainId,
      height: t.height,
      blockId: t.blockId,
      irreversible: { height: t.irreversibleHeight, blockId: t.irreversibleId },
    });
    return 0;
  } finally {
    client.close();
  }
}

export const txStatus: Command = {
  name: 'tx status',
  summary: 'show whether a transaction is pending, confirmed or unknown',
  usage: '<tx id>',
  options: {},
  async run(ctx) {
    const text = ctx.args[0];
    if (text === undefined) throw new CliError(CliErrorCode.BAD_ARGUMENT, 'missing transaction id');
    const id = parseTxId(text);
    const client = ctx.client();
    const status = await client.txStatus(id);
    // The validator knows the chain; the mempool knows what waits.
    let name = status.status;
    if (name === 'unknown' && (await client.isPending(id).catch(() => false))) name = 'pending';
    if (status.height !== undefined && (name === 'confirmed' || name === 'irreversible')) {
      ctx.out.line(`${name} in block ${status.height} (${status.confirmations} confirmations)`);
    } else {
      ctx.out.line(name === 'pending' ? 'pending in the mempool' : 'unknown: neither on the chain nor in the mempool');
    }
    ctx.out.result({ txId: id, status: name, height: status.height, confirmations: status.confirmations });
    return 0;
  },
};

/** One line per block: height, id, transactions, time (and a reorganization mark). */
export function describeBlock(block: Block, height: bigint, reorg: boolean): string {
  const id = toHex(blockId(block.header)).slice(0, 16);
  const time = new Date(Number(block.header.timestamp) * 1000).toISOString().slice(11, 19);
  const txs = block.transactions.length;
  return `block ${String(height).padStart(6)}  ${id}…  ${txs} tx${txs === 1 ? ' ' : 's'}  ${time}${reorg ? '  (reorganization)' : ''}`;
}

export const watch: Command = {
  name: 'watch',
  summary: 'print blocks as the validator connects them',
  usage: '[--from HEIGHT] [--count N]',
  options: { from: { type: 'string' }, count: { type: 'string' } },
  async run(ctx) {
    const from = ctx.str('from');
    const count = ctx.str('count') === undefined ? Number.POSITIVE_INFINITY : Number(ctx.str('count'));
    let seen = 0;
    const stream = ctx.client().watchBlocks({
      ...(from === undefined ? {} : { fromHeight: BigInt(from) }),
      signal: ctx.signal,
    });
    try {
      for await (const msg of stream) {
        const block = decodeBlock(msg.block?.bytes ?? new Uint8Array(0));
        const height = msg.ref?.height ?? block.header.height;
        ctx.out.line(describeBlock(block, height, msg.reorg));
        ctx.out.result({ height, blockId: blockId(block.header), txs: block.transactions.length, reorg: msg.reorg });
        if (++seen >= count) break;
      }
    } catch (err) {
      if (ctx.signal.aborted) return 0;
      throw err;
    }
    return 0;
  },
};

export const balance: Command = {
  name: 'balance',
  summary: 'sum the unspent outputs of an address or key, per asset',
  usage: '<address|key>',
  options: {},
  async run(ctx) {
    const target = ctx.args[0];
    if (target === undefined) throw new CliError(CliErrorCode.BAD_ARGUMENT, 'missing address or key');
    const { params } = ctx.endpoints().chain;
    const dest = parseDestination(target, params, ctx.str('keys-dir'));
    const client = ctx.client();
    const [utxos, t] = await Promise.all([client.listUtxos(dest.program), client.tip()]);
    const totals = new Map<string, { assetId: Uint8Array; amount: bigint; immature: bigint; coins: number }>();
    for (const u of utxos) {
      const key = toHex(u.assetId);
      const entry = totals.get(key) ?? { assetId: u.assetId, amount: 0n, immature: 0n, coins: 0 };
      entry.amount += u.amount;
      entry.coins += 1;
      if (!isMature(u, t.height + 1n, params.coinbaseMaturity)) entry.immature += u.amount;
      totals.set(key, entry);
    }
    const rows = [...totals.values()].sort((a, b) =>
      equalBytes(a.assetId, BTM_ASSET_ID) ? -1 : equalBytes(b.assetId, BTM_ASSET_ID) ? 1 : 0,
    );
    ctx.out.line(`address ${dest.address}  (tip ${t.height})`);
    if (rows.length === 0) ctx.out.line('  nothing yet');
    for (const r of rows) {
      const immature = r.immature > 0n ? `  (${formatAmount(r.assetId, r.immature)} not mature yet)` : '';
      ctx.out.line(`  ${assetLabel(r.assetId).padEnd(64)}  ${formatAmount(r.assetId, r.amount)}${immature}`);
    }
    ctx.out.result({
      address: dest.address,
      tip: t.height,
      balances: rows.map((r) => ({ assetId: r.assetId, amount: r.amount, immature: r.immature, coins: r.coins })),
    });
    return 0;
  },
};
