// Runs every test file of the repository with node's test runner (one runner for the whole repo).
//   npm test                 unit and end-to-end tests (*.test.ts)
//   npm test -- --hostile    adds the slow hostile-input suites (*.hostile.ts); CI always runs them
import { spawnSync } from 'node:child_process';

const hostile = process.argv.includes('--hostile') || process.env.CI === 'true';
const patterns = ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/**/*.test.ts'];
if (hostile) patterns.push('packages/*/test/**/*.hostile.ts');
const extra = process.argv.slice(2).filter((a) => a !== '--hostile');

const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...extra, ...patterns], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
