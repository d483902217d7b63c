// A Tensority thread that dies on its first request (for pow-hasher.test.ts).
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', () => process.exit(3));
