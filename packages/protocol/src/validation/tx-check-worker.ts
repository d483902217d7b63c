// Worker thread of the transaction check pool (tx-check-pool.ts): decodes and checks one slice of a
// block's transactions per message and answers with the packed checks (transferred back); a failed
// check travels as plain data beside them, any other error as its message.
import { parentPort } from 'node:worker_threads';
import type { ValidationError } from './errors.ts';
import { checkTxRange, type TxRangeJob } from './tx-checks.ts';
import { packTxChecks } from './tx-checks-pack.ts';

const port = parentPort;
if (port === null) throw new Error('tx-check-worker.ts must run as a worker thread');

export type TxCheckAnswer =
  | {
      readonly buffer: ArrayBuffer;
      readonly failure?: {
        readonly code: ValidationError['code'];
        readonly message: string;
        readonly detail?: Record<string, unknown>;
      };
    }
  | { readonly error: string };

port.on('message', (job: TxRangeJob) => {
  let answer: TxCheckAnswer;
  try {
    const checks = checkTxRange(job);
    const buffer = packTxChecks(checks);
    const f = checks.failure;
    answer = f === undefined ? { buffer } : { buffer, failure: { code: f.code, message: f.message, detail: f.detail } };
    port.postMessage(answer, [buffer]);
  } catch (err) {
    answer = { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    port.postMessage(answer);
  }
});
