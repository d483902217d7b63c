// Waiting for a transaction to be mined, visibly: a spinner on a terminal (a plain line per new
// block otherwise) on stderr, until the validator reports the transaction confirmed. A validator
// that restarts meanwhile is waited for, not reported as a failure.

import { setTimeout as sleep } from 'node:timers/promises';
import { isRpcError } from '@bystack/runtime';
import { CliError, CliErrorCode } from '../errors.ts';
import { toHex } from '../hex.ts';
import type { NodeClient, TxStatusInfo } from '../node-client.ts';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export type WaitOptions = {
  readonly timeoutMs: number;
  /** Blocks on top of (and including) the transaction's (default 1). */
  readonly confirmations?: number;
  readonly pollMs?: number;
  readonly stderr?: NodeJS.WriteStream | NodeJS.WritableStream;
};

export async function waitForConfirmation(
  client: NodeClient,
  txId: Uint8Array,
  opts: WaitOptions,
): Promise<TxStatusInfo & { height: bigint }> {
  const stderr = opts.stderr ?? process.stderr;
  const tty = 'isTTY' in stderr && stderr.isTTY === true;
  const want = opts.confirmations ?? 1;
  const started = Date.now();
  const short = `${toHex(txId).slice(0, 16)}…`;
  let frame = 0;
  let lastTip: bigint | undefined;
  let note = '';
  const clear = () => {
    if (tty) stderr.write('\r\x1b[2K');
  };
  const show = (text: string) => {
    if (tty) stderr.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${text}`);
  };
  const say = (text: string) => {
    clear();
    stderr.write(`${text}\n`);
  };

  say(`waiting for ${short} to be mined…`);
  for (;;) {
    const elapsed = Date.now() - started;
    if (elapsed > opts.timeoutMs) {
      clear();
      throw new CliError(
        CliErrorCode.NOT_CONFIRMED,
        `transaction ${toHex(txId)} was not confirmed within ${Math.round(opts.timeoutMs / 1000)} s`,
        `It may still be mined: check with \`bystack tx status ${toHex(txId)}\`.`,
      );
    }
    try {
      const [status, tip] = await Promise.all([client.txStatus(txId), client.tip()]);
      note = '';
      if (lastTip !== undefined && tip.height > lastTip) {
        for (let h = lastTip + 1n; h <= tip.height; h++) {
          if (status.height === undefined || h < status.height) say(`  block ${h}: not in it yet`);
        }
      }
      lastTip = tip.height;
      if ((status.status === 'confirmed' || status.status === 'irreversible') && status.height !== undefined) {
        // A validator may count confirmations itself; the tip says at least as much.
        const confirmations = Math.max(status.confirmations, Number(tip.height - status.height + 1n));
        if (confirmations >= want) {
          say(`  block ${status.height}: confirmed (${confirmations} confirmation${confirmations === 1 ? '' : 's'})`);
          return { ...status, confirmations, height: status.height };
        }
        note = `in block ${status.height}, ${confirmations}/${want} confirmations`;
      } else {
        note = `${status.status}, tip ${tip.height}`;
      }
    } catch (err) {
      if (!isRpcError(err) || (err.code !== 'UNAVAILABLE' && err.code !== 'DEADLINE_EXCEEDED')) {
        clear();
        throw err;
      }
      note = 'validator unreachable, retrying';
    }
    show(`waiting for ${short} (${note}, ${Math.round((Date.now() - started) / 1000)} s)`);
    await sleep(opts.pollMs ?? 400);
  }
}
