// Runs every benchmark script (packages/*/bench/*.bench.ts, services/*/bench/*.bench.ts) in turn,
// each in its own process so one's JIT state or workers cannot skew another's figures.
//   npm run bench                 all benchmarks
//   npm run bench -- tensority    only those whose file name contains "tensority"
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const filters = process.argv.slice(2);
const files = [...globSync('packages/*/bench/*.bench.ts'), ...globSync('services/*/bench/*.bench.ts')]
  .sort()
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file} ==`);
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
if (failed > 0) {
  console.error(`${failed} benchmark(s) failed`);
  process.exit(1);
}
