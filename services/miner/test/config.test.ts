// The miner's settings: where the coinbase pays, how many threads search, and errors that name
// the bad setting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytomMainnetParams, createP2WPKHProgram, mainDevnetParams, witnessAddressEncode } from '@bystack/protocol';
import { ConfigError, loadServiceConfig } from '@bystack/runtime';
import { minerConfigSchema, resolveMinerConfig } from '../src/config.ts';
import { devnetKey, hex } from './support/fixtures.ts';

const load = (env: Record<string, string>) =>
  resolveMinerConfig(loadServiceConfig(minerConfigSchema, { env, argv: [] }));

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('miner config', () => {
  it('on the devnet pays the devnet key miner/0 by default, with one thread', () => {
    const r = load({});
    assert.equal(r.params, mainDevnetParams);
    assert.equal(r.programSource, 'devnet-key');
    assert.equal(hex(r.program), hex(devnetKey('miner', 0).program));
    assert.equal(r.threads, 1);
    assert.equal(hex(load({ BYSTACK_MINER_DEVNET_KEY: 'alice/3' }).program), hex(devnetKey('alice', 3).program));
  });

  it('takes a hex program, or an address of the chain', () => {
    const hash = new Uint8Array(20).fill(9);
    const program = createP2WPKHProgram(hash);
    assert.equal(hex(load({ BYSTACK_MINER_PROGRAM: hex(program) }).program), hex(program));
    const address = witnessAddressEncode(mainDevnetParams.address.bech32Hrp, { version: 0, program: hash });
    const r = load({ BYSTACK_MINER_ADDRESS: address });
    assert.equal(r.programSource, 'address');
    assert.equal(hex(r.program), hex(program));
  });

  it('names the setting when the program is missing on mainnet, not a witness program, or the address is foreign', () => {
    const missing = configError(() => load({ BYSTACK_CHAIN: 'bytom-mainnet' }));
    assert.equal(missing.setting, 'BYSTACK_MINER_PROGRAM');
    const bad = configError(() => load({ BYSTACK_MINER_PROGRAM: '5151' }));
    assert.equal(bad.setting, 'BYSTACK_MINER_PROGRAM');
    const notHex = configError(() => load({ BYSTACK_MINER_PROGRAM: 'xyz' }));
    assert.equal(notHex.setting, 'BYSTACK_MINER_PROGRAM');
    const mainnetAddress = witnessAddressEncode(bytomMainnetParams.address.bech32Hrp, {
      version: 0,
      program: new Uint8Array(20),
    });
    const foreign = configError(() => load({ BYSTACK_MINER_ADDRESS: mainnetAddress }));
    assert.equal(foreign.setting, 'BYSTACK_MINER_ADDRESS');
    const threads = configError(() => load({ BYSTACK_MINER_THREADS: '-1' }));
    assert.equal(threads.setting, 'BYSTACK_MINER_THREADS');
  });

  it('mainnet with a program searches on every core unless told; 0 threads only serves work', () => {
    const program = hex(createP2WPKHProgram(new Uint8Array(20)));
    const r = load({ BYSTACK_CHAIN: 'bytom-mainnet', BYSTACK_MINER_PROGRAM: program });
    assert.equal(r.params, bytomMainnetParams);
    assert.ok(r.threads >= 1);
    assert.equal(load({ BYSTACK_MINER_THREADS: '0' }).threads, 0);
  });
});
