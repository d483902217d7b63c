// The CLI without a chain: key files, derivation, values people type, the error sentences, and
// where it finds endpoints. Key commands run the real `bystack` process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { DecodeErrorCode, ValidationErrorCode, xprvDerive } from '@bystack/protocol';
import { RpcError } from '@bystack/runtime';
import { parseAmount } from '../src/cli/values.ts';
import { ENDPOINTS_FILE, natsConfigText, sideChainNamed } from '../src/devnet/index.ts';
import { resolveEndpoints, resolveSideChainEndpoints } from '../src/endpoints.ts';
import { ERROR_SENTENCES, explainError } from '../src/errors.ts';
import { fromHex } from '../src/hex.ts';
import { loadKey, parseDerivationPath } from '../src/keys/keyfile.ts';

const BIN = path.join(import.meta.dirname, '..', 'bin', 'bystack.js');
const dir = mkdtempSync(path.join(tmpdir(), 'bystack-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function bystack(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, BYSTACK_DEVNET_DIR: path.join(dir, 'no-devnet') };
  delete env.NODE_TEST_CONTEXT;
  const run = spawnSync(process.execPath, [BIN, ...args, '--keys-dir', dir], { env, encoding: 'utf8' });
  let json: Record<string, string> | undefined;
  try {
    json = JSON.parse(run.stdout) as Record<string, string>;
  } catch {
    json = undefined;
  }
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, json };
}

describe('keys', () => {
  test('create saves a 0600 key file; show and list read it back', () => {
    const created = bystack('keys', 'create', '--name', 'alice', '--json');
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.json!.address!, /^sm1q[02-9ac-hj-np-z]{38}$/);
    assert.equal(statSync(path.join(dir, 'alice.json')).mode & 0o777, 0o600);
    const shown = bystack('keys', 'show', 'alice', '--json');
    assert.equal(shown.json!.address, created.json!.address);
    assert.equal(shown.json!.xpub, created.json!.xpub);
    assert.match(bystack('keys', 'list').stdout, /^alice\s+sm1q/m);
    const again = bystack('keys', 'create', '--name', 'alice');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /KEY_EXISTS/);
  });

  test('derive follows chainkd non-hardened derivation', () => {
    const derived = bystack('keys', 'derive', 'alice', 'm/44/153/0/0/1', '--name', 'alice-1', '--json');
    assert.equal(derived.code, 0, derived.stderr);
    const parent = loadKey('alice', dir);
    const child = loadKey('alice-1', dir);
    assert.deepEqual(child.xprv, xprvDerive(parent.xprv, parseDerivationPath('m/44/153/0/0/1')));
    assert.notEqual(derived.json!.address, bystack('keys', 'show', 'alice', '--json').json!.address);
  });

  test('devnet keys have fixed public seeds; bytom-mainnet addresses start with bm1', () => {
    const faucet = bystack('keys', 'show', 'devnet:faucet', '--json');
    assert.equal(faucet.json!.address, 'sm1q707kagpzht5wyahulusdgk3md07xfvd6q903m9');
    const onMainnet = bystack('keys', 'show', 'devnet:faucet', '--chain', 'bytom-mainnet', '--json');
    assert.match(onMainnet.json!.address!, /^bm1q/);
  });

  test('bad usage exits 2 with a sentence; a missing key says how to make one', () => {
    const badPath = bystack('keys', 'derive', 'alice', 'm/44h/1');
    assert.equal(badPath.code, 2);
    assert.match(badPath.stderr, /derivation path "m\/44h\/1" must look like/);
    const unknownFlag = bystack('tip', '--bogus');
    assert.equal(unknownFlag.code, 2);
    const missing = bystack('keys', 'show', 'nobody');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /KEY_NOT_FOUND.*\n.*bystack keys create/);
  });

  test('without a devnet or an address, a chain command says where to find one', () => {
    const run = bystack('tip');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /NO_ENDPOINTS.*\n.*npm start/);
  });
});

describe('values', () => {
  test('amounts: whole units, underscores, BTM with a suffix', () => {
    assert.equal(parseAmount('1000'), 1000n);
    assert.equal(parseAmount('1_000'), 1000n);
    assert.equal(parseAmount('1.5btm'), 150_000_000n);
    assert.equal(parseAmount('2BTM'), 200_000_000n);
    for (const bad of ['0', '-1', '1.5', '1e3', '0.000000001btm', '9223372036854775808']) {
      assert.throws(() => parseAmount(bad), /amount/, bad);
    }
  });

  test('hex', () => {
    assert.deepEqual(fromHex('0x0aff', 'x'), Uint8Array.of(10, 255));
    assert.throws(() => fromHex('abc', 'tx id'), /tx id must be hex/);
  });
});

describe('error sentences', () => {
  test('every validation, decode and mempool code has a sentence', () => {
    const mempoolCodes = [
      'FEE_TOO_LOW',
      'POOL_FULL',
      'DUPLICATE_TX',
      'TX_EXPIRED',
      'UNKNOWN_CHAIN',
      'BATCH_TOO_LARGE',
      'BAD_OUTPUT_ID',
    ];
    const codes = [...Object.values(ValidationErrorCode), ...Object.values(DecodeErrorCode), ...mempoolCodes];
    const missing = codes.filter((c) => ERROR_SENTENCES[c] === undefined);
    assert.deepEqual(missing, []);
  });

  test('an RpcError becomes a sentence naming the service', () => {
    const unavailable = explainError(new RpcError('UNAVAILABLE', 'No connection established'), {
      service: 'mempool',
      address: '127.0.0.1:1',
    });
    assert.equal(unavailable.code, 'UNAVAILABLE');
    assert.match(unavailable.sentence, /^The mempool at 127\.0\.0\.1:1 is unavailable .*npm start/);
    const spent = explainError(new RpcError('DOUBLE_SPEND', 'input 0 spends a spent output'));
    assert.match(spent.sentence, /already spent/);
    const odd = explainError(new RpcError('SOMETHING_NEW', 'it broke'), { service: 'validator' });
    assert.equal(odd.sentence, 'The validator refused it (SOMETHING_NEW): it broke');
  });
});

describe('endpoints and devnet config', () => {
  test('flags, then env, then the devnet file', () => {
    const dataDir = path.join(dir, 'devnet');
    mkdirSync(dataDir, { recursive: true });
    const node = { grpc: '127.0.0.1:1001', metrics: '', pid: 1, log: '' };
    writeFileSync(
      path.join(dataDir, ENDPOINTS_FILE),
      JSON.stringify({
        version: 1,
        chain: 'main-devnet',
        nodes: [{ id: 'n0', validator: node, mempool: { ...node, grpc: '127.0.0.1:1002' } }],
      }),
    );
    const fromFile = resolveEndpoints({ dataDir }, {});
    assert.equal(fromFile.validator, '127.0.0.1:1001');
    assert.equal(fromFile.mempool, '127.0.0.1:1002');
    const fromEnv = resolveEndpoints({ dataDir }, { BYSTACK_VALIDATOR_ADDR: 'v:1' });
    assert.equal(fromEnv.validator, 'v:1');
    assert.equal(resolveEndpoints({ dataDir, validator: 'f:1' }, { BYSTACK_VALIDATOR_ADDR: 'v:1' }).validator, 'f:1');
  });

  test('a side chain by id or name: its validator from --validator or the devnet file', () => {
    assert.equal(sideChainNamed('side-1'), 'side-devnet');
    assert.equal(sideChainNamed('side-devnet-2'), 'side-devnet-2');
    assert.equal(sideChainNamed('main'), undefined);
    const dataDir = path.join(dir, 'side-devnet');
    mkdirSync(dataDir, { recursive: true });
    const at = (grpc: string) => ({ grpc, metrics: '', pid: 1, log: '' });
    const side = (chain: string, chainId: string, port: number) => ({
      chain,
      chainId,
      validator: at(`127.0.0.1:${port}`),
      mempool: at(`127.0.0.1:${port + 1}`),
      producers: [],
    });
    writeFileSync(
      path.join(dataDir, ENDPOINTS_FILE),
      JSON.stringify({
        version: 1,
        chain: 'main-devnet',
        nodes: [
          {
            id: 'n0',
            validator: at('127.0.0.1:1001'),
            mempool: at('127.0.0.1:1002'),
            sideChains: [side('side-devnet', 'side-1', 2001), side('side-devnet-2', 'side-2', 3001)],
          },
          { id: 'n1', validator: at('127.0.0.1:1101'), mempool: at('127.0.0.1:1102'), sideChains: [] },
        ],
      }),
    );
    // BYSTACK_VALIDATOR_ADDR names the main chain's validator: it does not redirect a side chain.
    const env = { BYSTACK_VALIDATOR_ADDR: 'v:1' };
    assert.deepEqual(resolveSideChainEndpoints('side-devnet-2', { dataDir }, env), {
      chain: 'side-devnet-2',
      chainId: 'side-2',
      validator: '127.0.0.1:3001',
    });
    assert.equal(resolveSideChainEndpoints('side-devnet', { dataDir, validator: 'f:1' }, env).validator, 'f:1');
    assert.throws(
      () => resolveSideChainEndpoints('side-devnet', { dataDir, node: '1' }, env),
      /node n1 runs no side chain side-1/,
    );
  });

  test('other commands than tip refuse a side chain with a sentence', () => {
    const run = bystack('balance', 'devnet:faucet', '--chain', 'side-1');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /side-1 is a side chain .*only `bystack tip --chain side-1`/);
  });

  test('nats config: own JetStream domain, leafnode listener or remote', () => {
    const hub = natsConfigText({ nodeId: 'n0', port: 1, storeDir: '/s', logFile: '/l', leafListenPort: 2 });
    assert.match(hub, /domain: "n0"/);
    assert.match(hub, /\nmax_payload: 8388608\n/);
    assert.match(hub, /leafnodes \{\n {2}listen: "127\.0\.0\.1:2"/);
    const leaf = natsConfigText({ nodeId: 'n1', port: 3, storeDir: '/s', logFile: '/l', leafRemote: '127.0.0.1:9' });
    assert.match(leaf, /domain: "n1"/);
    assert.match(leaf, /url: "nats-leaf:\/\/127\.0\.0\.1:9"/);
  });
});
