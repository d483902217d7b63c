// The durable-store conformance suite: every DurableStore adapter (LMDB, node:sqlite, MongoDB) must
// pass it unchanged. Call runDurableStoreConformance(name, factory) from a *.test.ts file; it
// registers one describe() block of node:test tests, each on a fresh, empty store.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type DurableStore,
  isStoreError,
  StoreErrorCode,
  type StoreErrorCode as StoreErrorCodeType,
} from '../../src/store/index.ts';
import { ChainBuilder, durableUtxos, hashId, hex, utxoLines } from './fixtures.ts';

export type DurableStoreFactory = () => Promise<{ store: DurableStore; dispose(): Promise<void> }>;

export type ConformanceOptions = {
  /** When set, every test is registered as skipped with this reason (and a warning is printed). */
  readonly skip?: string;
};

async function rejectsWith(promise: Promise<unknown>, code: StoreErrorCodeType): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isStoreError(err), `expected a StoreError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

async function assertUtxos(store: DurableStore, b: ChainBuilder, height = b.height): Promise<void> {
  assert.deepEqual(utxoLines(await durableUtxos(store, b.chain)), utxoLines(b.utxosAt(height)));
}

/** The program index agrees with the expected UTXO set for every program the chain ever used. */
async function assertProgramIndex(store: DurableStore, b: ChainBuilder, height = b.height): Promise<void> {
  const expected = [...b.utxosAt(height).values()];
  const programs = new Map<string, Uint8Array>();
  for (const block of b.blocks) for (const r of block.created) programs.set(hex(r.controlProgram), r.controlProgram);
  for (const [key, program] of programs) {
    const want = expected.filter((r) => hex(r.controlProgram) === key);
    const got = await store.getUtxosByProgram(b.chain, program);
    assert.deepEqual(
      utxoLines(new Map(got.map((r) => [hex(r.outputId), r]))),
      utxoLines(new Map(want.map((r) => [hex(r.outputId), r]))),
      `program ${key}`,
    );
    assert.deepEqual(
      got.map((r) => hex(r.outputId)),
      want.map((r) => hex(r.outputId)).sort(),
      'in output-id order',
    );
  }
}

export function runDurableStoreConformance(name: string, factory: DurableStoreFactory, opts: ConformanceOptions = {}) {
  const skip = opts.skip;
  if (skip) console.warn(`\n!!! SKIPPED: durable store conformance for ${name}: ${skip}\n`);

  /** Runs `fn` on a fresh store and disposes of it whatever happens. */
  const withStore = (fn: (store: DurableStore) => Promise<void>) => async () => {
    const { store, dispose } = await factory();
    try {
      await fn(store);
    } finally {
      await dispose();
    }
  };
  const it = (title: string, fn: (store: DurableStore) => Promise<void>) =>
    skip ? test(title, { skip }, () => {}) : test(title, withStore(fn));

  describe(`durable store conformance: ${name}`, () => {
    it('an empty store knows nothing', async (store) => {
      assert.equal(await store.getTip('main'), undefined);
      assert.deepEqual(await store.getChainState('main'), { tip: undefined, revision: 0 });
      assert.deepEqual(await store.getUtxos('main', [hashId('x')]), [undefined]);
      assert.deepEqual(await store.listChains(), []);
      assert.equal(await store.getLastSigned('main'), undefined);
      assert.equal(await store.getBlockIndex('main', hashId('x')), undefined);
      assert.deepEqual(await store.getMainChainRange('main', 0, 10), []);
    });

    it('commits blocks: UTXO set, tip, index, bodies, tx locations, main chain, journal', async (store) => {
      const b = new ChainBuilder('main');
      for (let h = 0; h < 5; h++) {
        const block = b.next({ spend: 2, create: 4 });
        const result = await store.commitBlock(block);
        assert.equal(result.applied, true);
        assert.equal(result.tip.height, h);
        assert.deepEqual(result.tip.blockId, block.blockId);
      }
      await assertUtxos(store, b);
      assert.deepEqual(await store.getChainState('main'), { tip: { height: 4, blockId: b.tip.blockId }, revision: 5 });
      const tipBlock = b.tip;
      const entry = await store.getBlockIndex('main', tipBlock.blockId);
      assert.deepEqual(entry, {
        blockId: tipBlock.blockId,
        parentId: tipBlock.parentId,
        height: 4,
        header: tipBlock.header,
        work: tipBlock.work,
      });
      assert.deepEqual(await store.getBlockBody('main', tipBlock.blockId), tipBlock.blockBytes);
      assert.deepEqual(await store.getTxLocation('main', tipBlock.txIds[1]!), {
        blockId: tipBlock.blockId,
        height: 4,
        index: 1,
      });
      assert.deepEqual(await store.getMainChainBlockId('main', 2), b.blocks[2]!.blockId);
      assert.deepEqual(
        (await store.getMainChainRange('main', 1, 99)).map(hex),
        b.blocks.slice(1).map((x) => hex(x.blockId)),
      );
      const delta = await store.getBlockDelta('main', tipBlock.blockId);
      assert.ok(delta);
      assert.equal(delta.height, 4);
      assert.deepEqual(delta.created, tipBlock.created);
      assert.deepEqual(
        delta.spent.map((r) => hex(r.outputId)),
        tipBlock.spent.map(hex),
      );
      const state3 = b.utxosAt(3);
      assert.deepEqual(
        delta.spent,
        tipBlock.spent.map((id) => state3.get(hex(id))),
        'the journal holds the full spent records',
      );
      // getUtxos answers in order, undefined for spent or unknown outputs
      const live = tipBlock.created[0]!;
      const gone = tipBlock.spent[0]!;
      assert.deepEqual(await store.getUtxos('main', [live.outputId, gone, hashId('nope')]), [
        live,
        undefined,
        undefined,
      ]);
      assert.deepEqual(await store.listChains(), ['main']);
    });

    it('commits several blocks in one transaction: the same state as one by one; all or none', async (store) => {
      const b = new ChainBuilder('main');
      await store.commitBlock(b.next());
      const window = [
        b.next({ spend: 1, create: 3 }),
        b.next({ spend: 2, create: 2 }),
        b.next({ spend: 3, create: 1 }),
      ];
      const results = await store.commitBlocks(window);
      assert.deepEqual(
        results.map((r) => [r.applied, r.tip.height]),
        [
          [true, 1],
          [true, 2],
          [true, 3],
        ],
      );
      await assertUtxos(store, b);
      assert.deepEqual(await store.getChainState('main'), { tip: { height: 3, blockId: b.tip.blockId }, revision: 4 });
      assert.deepEqual(
        (await store.getMainChainRange('main', 0, 9)).map(hex),
        b.blocks.map((x) => hex(x.blockId)),
      );
      assert.ok(await store.getBlockDelta('main', window[1]!.blockId), 'each block has its journal entry');
      // A window whose third block spends an output that does not exist: nothing of it is applied.
      const good = [b.next(), b.next()];
      const bad = { ...b.next(), spent: [hashId('never created')] };
      await rejectsWith(store.commitBlocks([...good, bad]), StoreErrorCode.UtxoMissing);
      assert.deepEqual((await store.getTip('main'))?.height, 3);
      assert.deepEqual(await store.getUtxos('main', [good[0]!.created[0]!.outputId]), [undefined]);
      assert.deepEqual(await store.commitBlocks([]), []);
    });

    it('committing the same block twice is a no-op', async (store) => {
      const b = new ChainBuilder('main');
      await store.commitBlock(b.next());
      const block = b.next();
      await store.commitBlock(block);
      const before = await store.getChainState('main');
      const again = await store.commitBlock(block);
      assert.equal(again.applied, false);
      assert.deepEqual(again.tip, before.tip);
      assert.deepEqual(await store.getChainState('main'), before, 'revision unchanged');
      // an older main-chain block is also already applied
      assert.equal((await store.commitBlock(b.blocks[0]!)).applied, false);
      await assertUtxos(store, b);
    });

    it('refuses a block that does not extend the tip, and a first block above height 0', async (store) => {
      const b = new ChainBuilder('main');
      b.next();
      await rejectsWith(store.commitBlock(b.next()), StoreErrorCode.NotChildOfTip);
      await store.commitBlock(b.blocks[0]!);
      await store.commitBlock(b.blocks[1]!);
      const stranger = new ChainBuilder('main', 'z');
      stranger.next();
      stranger.next();
      await rejectsWith(store.commitBlock(stranger.next()), StoreErrorCode.NotChildOfTip);
      b.next();
      await rejectsWith(store.commitBlock(b.next()), StoreErrorCode.NotChildOfTip); // height 3 on tip 1
      assert.equal((await store.getChainState('main')).revision, 2);
    });

    it('a block spending a missing output changes nothing at all', async (store) => {
      const b = new ChainBuilder('main');
      await store.commitBlock(b.next({ create: 3 }));
      const bad = { ...b.next({ spend: 1, create: 5 }), spent: [b.blocks[1]!.spent[0]!, hashId('missing')] };
      await rejectsWith(store.commitBlock(bad), StoreErrorCode.UtxoMissing);
      assert.deepEqual(await store.getChainState('main'), {
        tip: { height: 0, blockId: b.blocks[0]!.blockId },
        revision: 1,
      });
      assert.deepEqual(
        await store.getUtxos(
          'main',
          bad.created.map((r) => r.outputId),
        ),
        bad.created.map(() => undefined),
        'none of its outputs were created',
      );
      assert.equal(await store.getBlockIndex('main', bad.blockId), undefined);
      assert.equal(await store.getTxLocation('main', bad.txIds[0]!), undefined);
      await assertUtxos(store, b, 0);
    });

    it('refuses to create an output that already exists', async (store) => {
      const b = new ChainBuilder('main');
      const genesis = await store.commitBlock(b.next({ create: 2 }));
      assert.ok(genesis.applied);
      const block = b.next({ spend: 0, create: 1 });
      const clash = { ...block, created: [{ ...b.blocks[0]!.created[1]!, height: 1 }] };
      await rejectsWith(store.commitBlock(clash), StoreErrorCode.UtxoExists);
      assert.equal((await store.getChainState('main')).revision, 1);
    });

    it('an output created and spent in the same block never shows, and reverts cleanly', async (store) => {
      const b = new ChainBuilder('main');
      await store.commitBlock(b.next({ create: 3 }));
      const block = b.next({ spend: 1, create: 3, spendOwn: true });
      await store.commitBlock(block);
      const own = block.created[2]!.outputId;
      assert.deepEqual(await store.getUtxos('main', [own]), [undefined]);
      await assertUtxos(store, b);
      await store.revertBlock('main', block.blockId);
      await assertUtxos(store, b, 0);
    });

    it('reverts the tip from its journal, idempotently, and refuses others', async (store) => {
      const b = new ChainBuilder('main');
      for (let h = 0; h < 4; h++) await store.commitBlock(b.next({ spend: 2, create: 3 }));
      await rejectsWith(store.revertBlock('main', b.blocks[2]!.blockId), StoreErrorCode.NotTip);
      await rejectsWith(store.revertBlock('main', hashId('unknown')), StoreErrorCode.UnknownBlock);

      const tip = b.tip;
      const result = await store.revertBlock('main', tip.blockId);
      assert.equal(result.reverted, true);
      assert.deepEqual(result.tip, { height: 2, blockId: b.blocks[2]!.blockId });
      assert.equal(result.delta?.height, 3);
      await assertUtxos(store, b, 2);
      assert.equal(await store.getMainChainBlockId('main', 3), undefined);
      assert.equal(await store.getTxLocation('main', tip.txIds[0]!), undefined);
      assert.ok(await store.getBlockIndex('main', tip.blockId), 'the index keeps reverted blocks');
      assert.ok(await store.getBlockBody('main', tip.blockId), 'bodies are kept');
      assert.ok(await store.getBlockDelta('main', tip.blockId), 'the journal is kept');
      assert.equal((await store.getChainState('main')).revision, 5);

      const again = await store.revertBlock('main', tip.blockId);
      assert.equal(again.reverted, false);
      assert.deepEqual(again.tip, result.tip);
      assert.equal((await store.getChainState('main')).revision, 5, 'a repeated revert writes nothing');

      assert.equal((await store.commitBlock(tip)).applied, true, 'a reverted block can be connected again');
      await assertUtxos(store, b);
      // all the way down to an empty chain
      for (let h = 3; h >= 0; h--) await store.revertBlock('main', b.blocks[h]!.blockId);
      assert.deepEqual(await store.getChainState('main'), { tip: undefined, revision: 10 });
      assert.deepEqual(utxoLines(await durableUtxos(store, 'main')), []);
    });

    it('a reorg to a fork leaves exactly the fork state', async (store) => {
      const a = new ChainBuilder('main');
      for (let h = 0; h < 5; h++) await store.commitBlock(a.next({ spend: 2, create: 3 }));
      const f = a.fork(2, 'fork');
      const side = f.next({ spend: 3, create: 4 });
      await store.saveBlock('main', { ...side, header: side.header }, side.blockBytes);
      assert.ok(await store.getBlockIndex('main', side.blockId), 'a fork block is filed');
      assert.equal(await store.getTxLocation('main', side.txIds[0]!), undefined, 'but not connected');
      for (let h = 4; h > 2; h--) await store.revertBlock('main', a.blocks[h]!.blockId);
      await store.commitBlock(side);
      for (let i = 0; i < 3; i++) await store.commitBlock(f.next({ spend: 1, create: 2 }));
      await assertUtxos(store, f);
      assert.deepEqual((await store.getTip('main'))?.blockId, f.tip.blockId);
      assert.deepEqual(
        (await store.getMainChainRange('main', 0, 10)).map(hex),
        f.blocks.map((x) => hex(x.blockId)),
      );
    });

    it('irreversibility: only upward, only main-chain blocks, and no revert below it', async (store) => {
      const b = new ChainBuilder('main');
      for (let h = 0; h < 4; h++) await store.commitBlock(b.next());
      await rejectsWith(store.setIrreversible('main', 2, hashId('other')), StoreErrorCode.NotOnMainChain);
      await store.setIrreversible('main', 3, b.blocks[3]!.blockId);
      assert.deepEqual(await store.getIrreversible('main'), { height: 3, blockId: b.blocks[3]!.blockId });
      await rejectsWith(store.setIrreversible('main', 1, b.blocks[1]!.blockId), StoreErrorCode.InvalidArgument);
      await rejectsWith(store.revertBlock('main', b.blocks[3]!.blockId), StoreErrorCode.Irreversible);
      await store.setIrreversible('main', 3, b.blocks[3]!.blockId);
    });

    it('program index: the UTXOs of a program follow commits, reverts and reorgs', async (store) => {
      const a = new ChainBuilder('main');
      for (let h = 0; h < 5; h++) {
        await store.commitBlock(a.next({ spend: 3, create: 6, spendOwn: h === 3 }));
        await assertProgramIndex(store, a);
      }
      const program = a.tip.created[1]!.controlProgram;
      const all = await store.getUtxosByProgram('main', program);
      assert.ok(all.length >= 2);
      assert.deepEqual(await store.getUtxosByProgram('main', program, 1), all.slice(0, 1), 'limit');
      assert.deepEqual(await store.getUtxosByProgram('main', new Uint8Array([0x51])), [], 'an unknown program');
      assert.deepEqual(await store.getUtxosByProgram('side-1', program), [], 'another chain');
      for (let h = 4; h > 1; h--) {
        await store.revertBlock('main', a.blocks[h]!.blockId);
        await assertProgramIndex(store, a, h - 1);
      }
      const f = a.fork(1, 'fork');
      for (let i = 0; i < 3; i++) await store.commitBlock(f.next({ spend: 2, create: 5 }));
      await assertProgramIndex(store, f);
      // a failed commit leaves the index untouched
      const bad = { ...f.next({ spend: 1, create: 4 }), spent: [hashId('missing')] };
      await rejectsWith(store.commitBlock(bad), StoreErrorCode.UtxoMissing);
      await assertProgramIndex(store, f, f.height - 1);
      // Programs longer than the inline limit are keyed by their hash; an empty program works too.
      const long = new Uint8Array(100).fill(7);
      const s = new ChainBuilder('side-1');
      const g = s.next({ create: 4 });
      const odd = [long, long, new Uint8Array(0)];
      const withOdd = {
        ...g,
        created: g.created.map((r, i) => ({ ...r, controlProgram: odd[i] ?? r.controlProgram })),
      };
      await store.commitBlock(withOdd);
      assert.deepEqual(
        (await store.getUtxosByProgram('side-1', long)).map((r) => hex(r.outputId)),
        withOdd.created
          .slice(0, 2)
          .map((r) => hex(r.outputId))
          .sort(),
      );
      assert.deepEqual(
        (await store.getUtxosByProgram('side-1', new Uint8Array(0))).map((r) => hex(r.outputId)),
        [hex(withOdd.created[2]!.outputId)],
      );
      assert.deepEqual(
        await store.getUtxosByProgram('side-1', long.subarray(0, 99)),
        [],
        'a prefix is another program',
      );
      await store.revertBlock('side-1', g.blockId);
      assert.deepEqual(await store.getUtxosByProgram('side-1', long), []);
      await rejectsWith(store.getUtxosByProgram('main', program, 0), StoreErrorCode.InvalidArgument);
      await rejectsWith(
        store.getUtxosByProgram('main', 'nope' as unknown as Uint8Array),
        StoreErrorCode.InvalidArgument,
      );
    });

    it('signer records: compare-and-set per height, last signed is the highest', async (store) => {
      await store.recordSigned('side-1', 10, hashId('b10'));
      await store.recordSigned('side-1', 10, hashId('b10'));
      await rejectsWith(store.recordSigned('side-1', 10, hashId('b10-other')), StoreErrorCode.SignerConflict);
      await store.recordSigned('side-1', 12, hashId('b12'));
      await store.recordSigned('side-1', 11, hashId('b11'));
      assert.deepEqual(await store.getSigned('side-1', 10), hashId('b10'));
      assert.equal(await store.getSigned('side-1', 13), undefined);
      assert.deepEqual(await store.getLastSigned('side-1'), { height: 12, blockId: hashId('b12') });
      assert.equal(await store.getLastSigned('side-2'), undefined);
    });

    it('chains are separate keyspaces', async (store) => {
      const main = new ChainBuilder('main');
      const side = new ChainBuilder('side-1');
      for (let h = 0; h < 3; h++) {
        await store.commitBlock(main.next());
        await store.commitBlock(side.next({ create: 2 }));
      }
      await assertUtxos(store, main);
      await assertUtxos(store, side);
      assert.equal(await store.getBlockIndex('main', side.tip.blockId), undefined);
      assert.deepEqual(await store.listChains(), ['main', 'side-1']);
    });

    it('scans the UTXO set in batches of any size', async (store) => {
      const b = new ChainBuilder('main');
      await store.commitBlock(b.next({ create: 10 }));
      await store.commitBlock(b.next({ spend: 3, create: 10 }));
      for (const size of [1, 3, 17, 1000]) {
        const seen: string[] = [];
        for await (const batch of store.scanUtxos('main', size)) {
          assert.ok(batch.length > 0 && batch.length <= size);
          seen.push(...batch.map((r) => hex(r.outputId)));
        }
        assert.equal(new Set(seen).size, 17);
        assert.equal(seen.length, 17);
      }
    });

    it('bad arguments are typed InvalidArgument errors', async (store) => {
      const b = new ChainBuilder('main');
      const good = b.next();
      const bad: [string, () => Promise<unknown>][] = [
        ['chain', () => store.getTip('no spaces')],
        ['chain', () => store.getTip('{tag}')],
        ['chain', () => store.commitBlock({ ...good, chain: '' })],
        ['empty id', () => store.getBlockIndex('main', new Uint8Array(0))],
        ['height', () => store.getMainChainBlockId('main', -1)],
        ['height', () => store.commitBlock({ ...good, height: 0.5 })],
        ['amount', () => store.commitBlock({ ...good, created: [{ ...good.created[0]!, amount: 1n << 64n }] })],
        ['created height', () => store.commitBlock({ ...good, created: [{ ...good.created[0]!, height: 7 }] })],
        ['duplicate spend', () => store.commitBlock({ ...good, spent: [hashId('s'), hashId('s')] })],
        ['parent at 0', () => store.commitBlock({ ...good, parentId: hashId('p') })],
        ['signer height', () => store.recordSigned('main', Number.NaN, hashId('x'))],
        ['ids', () => store.getUtxos('main', [hashId('a'), 'nope' as unknown as Uint8Array])],
      ];
      for (const [what, call] of bad) {
        await assert.rejects(call(), (err: unknown) => {
          assert.ok(isStoreError(err, StoreErrorCode.InvalidArgument), `${what}: ${String(err)}`);
          return true;
        });
      }
      assert.equal(await store.getTip('main'), undefined);
    });

    it('a closed store refuses work with a typed error', async (store) => {
      await store.close();
      await rejectsWith(store.getTip('main'), StoreErrorCode.Closed);
      await rejectsWith(store.commitBlock(new ChainBuilder('main').next()), StoreErrorCode.Closed);
      await store.close();
    });
  });
}
