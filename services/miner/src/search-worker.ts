// A nonce-search thread of the SearchPool. It keeps the Tensority caches of the last two seeds
// (16 MiB each), and searches one job at a time: header with nonce n -> block id -> Tensority ->
// compare with the target, one nonce per turn of its event loop so that a new job or a check
// arrives between two hashes. It drops its job as soon as the pool's shared generation counter
// moves past the job's (the tip moved), without waiting for a message.
import { parentPort, workerData } from 'node:worker_threads';
import {
  type BlockHeader,
  blockId,
  checkProofOfWork,
  createTensorityCache,
  decodeBlockHeader,
  type TensorityCache,
  tensorityWithCache,
} from '@bystack/protocol';
import type { WorkerData, WorkerReply, WorkerRequest } from './search-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('search-worker.ts must run as a worker thread');
const { index, control } = workerData as WorkerData;
const generation = new Int32Array(control, 0, 1);
const hashCounter = new BigInt64Array(control, 8 + 8 * index, 1);

const CACHES_KEPT = 2;
const caches: { key: string; cache: TensorityCache }[] = [];

function cacheFor(seed: Uint8Array): TensorityCache {
  const key = Buffer.from(seed).toString('hex');
  const found = caches.findIndex((c) => c.key === key);
  const entry = found >= 0 ? caches.splice(found, 1)[0]! : { key, cache: createTensorityCache(seed) };
  caches.unshift(entry);
  caches.length = Math.min(caches.length, CACHES_KEPT);
  return entry.cache;
}

type Job = {
  readonly gen: number;
  readonly header: BlockHeader;
  readonly cache: TensorityCache;
  readonly bits: bigint;
  next: bigint;
  readonly end: bigint;
};

let job: Job | undefined;
let scheduled = false;

function reply(message: WorkerReply): void {
  port!.postMessage(message);
}

function schedule(): void {
  if (scheduled || job === undefined) return;
  scheduled = true;
  setImmediate(step);
}

function step(): void {
  scheduled = false;
  const current = job;
  if (current === undefined) return;
  if (Atomics.load(generation, 0) !== current.gen) {
    job = undefined;
    reply({ type: 'stopped', gen: current.gen });
    return;
  }
  const nonce = current.next;
  const id = blockId({ ...current.header, nonce });
  const hash = tensorityWithCache(current.cache, id);
  Atomics.add(hashCounter, 0, 1n);
  if (checkProofOfWork(hash, current.bits)) {
    job = undefined;
    reply({ type: 'found', gen: current.gen, nonce, blockId: id, hash });
    return;
  }
  current.next = nonce + 1n;
  if (current.next >= current.end) {
    job = undefined;
    reply({ type: 'exhausted', gen: current.gen });
    return;
  }
  schedule();
}

port.on('message', (message: WorkerRequest) => {
  switch (message.type) {
    case 'search': {
      if (Atomics.load(generation, 0) !== message.gen) {
        reply({ type: 'stopped', gen: message.gen }); // superseded before it arrived
        return;
      }
      job = {
        gen: message.gen,
        header: decodeBlockHeader(message.header),
        cache: cacheFor(message.seed),
        bits: message.bits,
        next: message.start,
        end: message.end,
      };
      schedule();
      return;
    }
    case 'check': {
      const header = decodeBlockHeader(message.header);
      const id = blockId(header);
      const hash = tensorityWithCache(cacheFor(message.seed), id);
      reply({ type: 'checked', id: message.id, blockId: id, hash });
      return;
    }
  }
});

reply({ type: 'ready' });
