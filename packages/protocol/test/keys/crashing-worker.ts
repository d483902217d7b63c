// Test double of verify-worker.ts: answers its first batch like the real worker, then exits.
import { parentPort } from 'node:worker_threads';
import { verifyPackedSignatureSets } from '../../src/keys/signature-batch.ts';

let batches = 0;
parentPort?.on('message', (buffer: ArrayBuffer) => {
  if (batches++ > 0) process.exit(3);
  const verdicts = verifyPackedSignatureSets(buffer);
  parentPort?.postMessage(verdicts, [verdicts.buffer]);
});
