// Worker thread of the signature verifier pool: receives one packed batch at a time (a transferred
// ArrayBuffer) and answers with its verdict bytes (transferred back).
import { parentPort } from 'node:worker_threads';
import { verifyPackedSignatureSets } from './signature-batch.ts';

const port = parentPort;
if (port === null) throw new Error('verify-worker.ts must run as a worker thread');

port.on('message', (buffer: ArrayBuffer) => {
  const verdicts = verifyPackedSignatureSets(buffer);
  port.postMessage(verdicts, [verdicts.buffer]);
});
