// Benchmark helpers shared by every package's bench/*.bench.ts (npm run bench).
// Minimal benchmark harness: runs a function until a time budget is spent and reports a rate.
// Figures are printed as lines `name: value unit` so CI logs and humans can read them.
import { performance } from 'node:perf_hooks';

export type Measurement = { name: string; opsPerSec: number; msPerOp: number; iterations: number };

/** Calls `fn` repeatedly for at least `minMs` (after one warm-up call) and returns its rate. */
export async function measure(name: string, fn: () => unknown, minMs = 1000): Promise<Measurement> {
  await fn();
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    await fn();
    iterations++;
    elapsed = performance.now() - start;
  }
  return { name, opsPerSec: (iterations * 1000) / elapsed, msPerOp: elapsed / iterations, iterations };
}

export function report(name: string, value: number, unit: string, note = ''): void {
  const shown = value >= 100 ? value.toFixed(0) : value.toPrecision(4);
  console.log(`${name}: ${shown} ${unit}${note ? `  (${note})` : ''}`);
}

export function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}
