// The launcher's side-chain lines: a side chain makes two blocks a second, too many to print one by
// one next to the main chain's, so every second each side chain that moved gets one line with its
// tip and last irreversible height (as its validator holds them).
import { setTimeout as sleep } from 'node:timers/promises';
import { toHex } from '../hex.ts';
import { SideChainClient, type SideTip } from '../side-chain-client.ts';
import type { Devnet } from './launcher.ts';

/** One progress line, e.g. `side-1  height    124  irreversible    121  1a2b3c4d5e6f7a8b…`. */
export function describeSideTip(chainId: string, tip: SideTip): string {
  const id = toHex(tip.blockId).slice(0, 16);
  return `${chainId}  height ${String(tip.height).padStart(6)}  irreversible ${String(tip.irreversibleHeight).padStart(6)}  ${id}…`;
}

/** Prints node 0's side chains' progress until `signal` aborts; a validator that does not answer is skipped. */
export async function showSideChains(
  devnet: Devnet,
  say: (text: string) => void,
  signal: AbortSignal,
  everyMs = 1000,
): Promise<void> {
  const clients = devnet
    .node(0)
    .sideChains.map((side) => new SideChainClient(side.chainId, side.validator.address, everyMs));
  if (clients.length === 0) return;
  const shown = new Map<string, string>();
  try {
    while (!signal.aborted && !devnet.stopped) {
      await Promise.all(
        clients.map(async (client) => {
          const tip = await client.tip().catch(() => undefined);
          if (tip === undefined || signal.aborted) return;
          const state = `${tip.height}/${tip.irreversibleHeight}`;
          if (shown.get(client.chainId) === state) return;
          shown.set(client.chainId, state);
          say(describeSideTip(client.chainId, tip));
        }),
      );
      await sleep(everyMs, undefined, { signal }).catch(() => {});
    }
  } finally {
    for (const c of clients) c.close();
  }
}
