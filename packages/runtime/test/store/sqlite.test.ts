// node:sqlite, the measured alternative embedded durable tier: the same conformance suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { createSqliteStore } from '../../src/store/index.ts';
import { runDurableStoreConformance } from './conformance.ts';

const root = mkdtempSync(path.join(tmpdir(), 'bystack-sqlite-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

runDurableStoreConformance('sqlite', async () => {
  const store = await createSqliteStore({ path: path.join(root, `conf-${n++}.sqlite`) });
  return { store, dispose: () => store.close() };
});
