// The Tensority worker thread (pow-hasher.ts): hashes one block id at a time under its seed, with
// its own seed caches, and answers with the hash or the error's text.
import { parentPort } from 'node:worker_threads';
import { TensorityCaches } from './pow.ts';

export type PowRequest = { readonly seq: number; readonly seed: Uint8Array; readonly blockId: Uint8Array };
export type PowReply =
  | { readonly seq: number; readonly hash: Uint8Array }
  | { readonly seq: number; readonly error: string };

const port = parentPort;
if (port === null) throw new Error('pow-thread.ts must run as a worker thread');
const caches = new TensorityCaches();

port.on('message', ({ seq, seed, blockId }: PowRequest) => {
  let reply: PowReply;
  try {
    reply = { seq, hash: caches.hash(seed, blockId) };
  } catch (err) {
    reply = { seq, error: String(err) };
  }
  port.postMessage(reply);
});
