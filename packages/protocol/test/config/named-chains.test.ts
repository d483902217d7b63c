// The one list of chain config names: main and side names apart, each chain id once, guards exact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CHAIN_CONFIG_NAMES,
  isMainChainConfigName,
  isSideChainConfigName,
  MAIN_CHAIN_CONFIG_NAMES,
  MAIN_CHAIN_PARAMS,
  SIDE_CHAIN_CONFIG_NAMES,
  SIDE_CHAIN_PARAMS,
} from '../../src/index.ts';

test('every name is a main or a side chain config, never both; side chains have chain ids of their own', () => {
  assert.deepEqual(CHAIN_CONFIG_NAMES, ['main-devnet', 'bytom-mainnet', 'side-devnet', 'side-devnet-2']);
  for (const name of MAIN_CHAIN_CONFIG_NAMES) assert.ok(isMainChainConfigName(name) && !isSideChainConfigName(name));
  for (const name of SIDE_CHAIN_CONFIG_NAMES) assert.ok(isSideChainConfigName(name) && !isMainChainConfigName(name));
  // Main chains all have the id 'main' (one main chain per node); each side chain its own.
  assert.deepEqual(new Set(MAIN_CHAIN_CONFIG_NAMES.map((n) => MAIN_CHAIN_PARAMS[n].chainId)), new Set(['main']));
  const ids = ['main', ...SIDE_CHAIN_CONFIG_NAMES.map((n) => SIDE_CHAIN_PARAMS[n].chainId)];
  assert.equal(new Set(ids).size, ids.length, ids.join(', '));
  for (const other of ['main', 'side-1', 'toString', '__proto__', '']) {
    assert.equal(isMainChainConfigName(other) || isSideChainConfigName(other), false, other);
  }
});
