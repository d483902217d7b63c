// Producer election. Vectors from Vapor `protocol/state/consensus_result_test.go` (TestConsensusNodes)
// and `protocol/consensus_node_manager_test.go` (TestGetConsensusNodes: a stored round tally moved to
// the election block of the queried branch, then elected).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  type ConsensusBlock,
  createSideChainConsensusParams,
  electionHeightOf,
  electProducers,
  listCandidates,
  type ProducerSet,
  producerOrderOf,
  reorganizeConsensusResult,
} from '../../src/consensus/index.ts';
import { fillKey, hex, MAX_UINT64, makeBlock, makeResult, vaporMainnet, vote } from './fixtures.ts';

const pub1 =
  '0f8669abbd3cc0a167156188e428f940088d5b2f36bb3449df71d2bdc5e077814ea3f68628eef279ed435f51ee26cff00f8bd28fabfd500bedb2a9e369f5c825';
const pub2 =
  'e7f458ee8d2ba19b0fdc7410d1fd57e9c2e1a79377c661d66c55effe49d7ffc920e40510442d4a10b7bea06c09fb0b41f52601135adaaa7136204db36106c093';
const pub3 =
  '1bec3a35da038ec7a76c40986e80b5af2dcef60341970e3fc58b4db0797bd4ca9b2cbf3d7ab820832e22a80b5b86ae1427f7f706a7780089958b2862e7bc0842';
const pub4 =
  'b7f463446a31b3792cd168d52b7a89b3657bca3e25d6854db1488c389ab6fc8d538155c25c1ee6975cc7def19710908c7d9b7463ca34a22058b456b45e498db9';
const pub5 =
  'b928e46bb01e834fdf167185e31b15de7cc257af8bbdf17f9c7fefd5bb97b306d048b6bc0da2097152c1c2ff38333c756a543adbba7030a447dcc776b8ac64ef';
const pub6 =
  '36695997983028c279c3360ca345a90e3af1f9e3df2506119fca31cdc844be31630f9a421f4d1658e15d67a15ce29c36332dd45020d2a0147fcce4949ccd9a67';

const roundOneStakes = {
  [pub1]: 838063475500000n,
  [pub2]: 474794800000000n,
  [pub3]: 833812985000000n,
  [pub4]: 285918061999999n,
  [pub5]: 1228455289930297n,
  [pub6]: 274387690000000n,
};

const roundOneProducers = [
  [pub5, 1228455289930297n, 0],
  [pub1, 838063475500000n, 1],
  [pub3, 833812985000000n, 2],
  [pub2, 474794800000000n, 3],
  [pub4, 285918061999999n, 4],
  [pub6, 274387690000000n, 5],
];

function plain(set: ProducerSet) {
  return set.producers.map((p) => [Buffer.from(p.producerKey).toString('hex'), p.stake, p.order]);
}

test('TestConsensusNodes: stake descending, orders by rank', () => {
  const set = electProducers(makeResult(1200n, hex('65'.repeat(32)), roundOneStakes), vaporMainnet);
  assert.equal(set.isFederation, false);
  assert.deepEqual(plain(set), roundOneProducers);
  assert.equal(producerOrderOf(set, hex(pub3)), 2);
  assert.equal(producerOrderOf(set, fillKey(9)), undefined);
});

describe('TestGetConsensusNodes (consensus_node_manager_test.go)', () => {
  const h = (s: string) => hex(s);
  // Those vectors' blocks carry no coinbase: Vapor's reward then goes to the first output's program 0x0001.
  const blk = (height: bigint, prev: string, id: string, key: string, amount: bigint): ConsensusBlock =>
    makeBlock({
      height,
      previousBlockId: h(prev),
      blockId: h(id),
      rewardProgram: hex('0001'),
      transactions: [vote(key, amount)],
    });

  test('block hash in main chain (query 1204, and 1201 at the begin of the round)', () => {
    const stored = makeResult(
      1200n,
      h('65a92adc3c17657e4f0f032f1de83597dbbc6c29c24626d1533c8215f81c99e6'),
      roundOneStakes,
    );
    for (const queriedHeight of [1205n, 1202n]) assert.equal(electionHeightOf(vaporMainnet, queriedHeight), 1200n);
    assert.deepEqual(plain(electProducers(stored, vaporMainnet)), roundOneProducers);
  });

  test('block hash in main chain, the consensus result is incomplete', () => {
    const stored = makeResult(
      1198n,
      h('ef24de31371b4d34363011b6c8b065b1acaad9264d9abae2253d584e0d3a8739'),
      roundOneStakes,
    );
    const attach = [
      blk(
        1199n,
        'ef24de31371b4d34363011b6c8b065b1acaad9264d9abae2253d584e0d3a8739',
        '608d82b3660255186fb2b035cfb2ca86e986433218cd2eca2e79611e855a87d3',
        pub6,
        100000000000000n,
      ),
      blk(
        1200n,
        '608d82b3660255186fb2b035cfb2ca86e986433218cd2eca2e79611e855a87d3',
        '73a2a6a098727877e288a4520f2d8076d700b561277ed7c3f533e3f176496888',
        pub4,
        300000000000000n,
      ),
    ];
    const tally = reorganizeConsensusResult(stored, [], attach, vaporMainnet);
    assert.deepEqual(plain(electProducers(tally, vaporMainnet)), [
      [pub5, 1228455289930297n, 0],
      [pub1, 838063475500000n, 1],
      [pub3, 833812985000000n, 2],
      [pub4, 585918061999999n, 3],
      [pub2, 474794800000000n, 4],
      [pub6, 374387690000000n, 5],
    ]);
  });

  test('block hash in fork chain', () => {
    // Stored tally is main 1200, which already holds main 1199 (+1e14 pub6) and main 1200 (+2e14 pub4).
    const stored = makeResult(
      1200n,
      h('73a2a6a098727877e288a4520f2d8076d700b561277ed7c3f533e3f176496888'),
      { ...roundOneStakes },
      { '0001': 100000000n },
    );
    const detach = [
      blk(
        1200n,
        '608d82b3660255186fb2b035cfb2ca86e986433218cd2eca2e79611e855a87d3',
        '73a2a6a098727877e288a4520f2d8076d700b561277ed7c3f533e3f176496888',
        pub4,
        200000000000000n,
      ),
      blk(
        1199n,
        'ef24de31371b4d34363011b6c8b065b1acaad9264d9abae2253d584e0d3a8739',
        '608d82b3660255186fb2b035cfb2ca86e986433218cd2eca2e79611e855a87d3',
        pub6,
        100000000000000n,
      ),
    ];
    const attach = [
      blk(
        1199n,
        'ef24de31371b4d34363011b6c8b065b1acaad9264d9abae2253d584e0d3a8739',
        'cde3d8a99dee1cd44fb37f499c1980338a49ac1b9d5e6f693bd0a6f87c74e4d2',
        pub1,
        200000000000000n,
      ),
      blk(
        1200n,
        'cde3d8a99dee1cd44fb37f499c1980338a49ac1b9d5e6f693bd0a6f87c74e4d2',
        'f819efb4baecbeb63aff6d4b14b549f1bd35955d461abaa0058a26f74c4f62da',
        pub5,
        500000000000000n,
      ),
    ];
    const tally = reorganizeConsensusResult(stored, detach, attach, vaporMainnet);
    assert.deepEqual(plain(electProducers(tally, vaporMainnet)), [
      [pub5, 1728455289930297n, 0],
      [pub1, 1038063475500000n, 1],
      [pub3, 833812985000000n, 2],
      [pub2, 474794800000000n, 3],
      [pub6, 174387690000000n, 4],
    ]);
  });

  test('block hash in fork chain, the consensus result is incomplete', () => {
    const stored = makeResult(
      1198n,
      h('a0239137437634c933fa1200f801783a532b88e9556a0746b75a5832aac09bfc'),
      { ...roundOneStakes },
      { '0001': 100000000n },
    );
    const detach = [
      blk(
        1198n,
        'b9c3d0ce5eceac94b53208360c7e100bb342a00ba70c990dc48ce959295793e6',
        'a0239137437634c933fa1200f801783a532b88e9556a0746b75a5832aac09bfc',
        pub3,
        100000000000000n,
      ),
    ];
    const attach = [
      blk(
        1198n,
        'b9c3d0ce5eceac94b53208360c7e100bb342a00ba70c990dc48ce959295793e6',
        'dc209b2c1ead7794f81ac9cdafc136875ec9d3b8525f1482a430ce762685aece',
        pub3,
        500000000000000n,
      ),
      blk(
        1199n,
        'dc209b2c1ead7794f81ac9cdafc136875ec9d3b8525f1482a430ce762685aece',
        'fe85f3a22c4c41b03904f19475ec265138aae57be05b0c3ade0be2773fd35eb2',
        pub6,
        300000000000000n,
      ),
      blk(
        1200n,
        'fe85f3a22c4c41b03904f19475ec265138aae57be05b0c3ade0be2773fd35eb2',
        '01f1a4eb35af3347080497c014c3b980bcfc1c836fdbe6b95f6fa0984ac14f8a',
        pub5,
        500000000000000n,
      ),
    ];
    const tally = reorganizeConsensusResult(stored, detach, attach, vaporMainnet);
    assert.deepEqual(plain(electProducers(tally, vaporMainnet)), [
      [pub5, 1728455289930297n, 0],
      [pub3, 1233812985000000n, 1],
      [pub1, 838063475500000n, 2],
      [pub6, 574387690000000n, 3],
      [pub2, 474794800000000n, 4],
      [pub4, 285918061999999n, 5],
    ]);
  });
});

test('at most N producers; ties broken by xpub bytes descending; the minimum stake is inclusive', () => {
  const params = createSideChainConsensusParams({ ...vaporMainnet, producerCount: 3, minProducerStake: 10n });
  const k = (b: number) => Buffer.from(fillKey(b)).toString('hex');
  const set = electProducers(
    makeResult(5n, hex('00'.repeat(32)), { [k(1)]: 50n, [k(2)]: 50n, [k(3)]: 50n, [k(4)]: 10n, [k(5)]: 9n }),
    params,
  );
  assert.deepEqual(plain(set), [
    [k(3), 50n, 0],
    [k(2), 50n, 1],
    [k(1), 50n, 2],
  ]);
  const all = listCandidates(makeResult(5n, hex('00'.repeat(32)), { [k(4)]: 10n, [k(5)]: 9n, [k(6)]: 10n }));
  assert.deepEqual(
    all.map((c) => [Buffer.from(c.producerKey).toString('hex'), c.stake]),
    [
      [k(6), 10n],
      [k(4), 10n],
      [k(5), 9n],
    ],
  );
});

test('federation keys produce, in configured order, when no candidate qualifies', () => {
  for (const stakes of [{}, { [Buffer.from(fillKey(7)).toString('hex')]: 99_999_999_999_999n }]) {
    const set = electProducers(makeResult(0n, hex('00'.repeat(32)), stakes), vaporMainnet);
    assert.equal(set.isFederation, true);
    assert.deepEqual(
      set.producers.map((p) => [p.producerKey, p.stake, p.order]),
      vaporMainnet.federationProducerKeys.map((key, i) => [key, 0n, i]),
    );
  }
});

test('property: election is deterministic and independent of tally insertion order', () => {
  const params = createSideChainConsensusParams({ ...vaporMainnet, producerCount: 5, minProducerStake: 1000n });
  const keys = Array.from({ length: 12 }, (_, i) => Buffer.from(fillKey(i * 17 + 1)).toString('hex'));
  fc.assert(
    fc.property(
      fc.uniqueArray(
        fc.tuple(
          fc.constantFrom(...keys),
          fc.oneof(fc.bigInt({ min: 1n, max: 3000n }), fc.constant(2000n), fc.bigInt({ min: 1n, max: MAX_UINT64 })),
        ),
        {
          selector: ([k]) => k,
          maxLength: 12,
        },
      ),
      fc.infiniteStream(fc.nat()),
      (entries, seeds) => {
        const shuffled = [...entries];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = seeds.next().value % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const a = electProducers(makeResult(1n, hex('00'.repeat(32)), Object.fromEntries(entries)), params);
        const b = electProducers(makeResult(1n, hex('00'.repeat(32)), Object.fromEntries(shuffled)), params);
        assert.deepEqual(plain(a), plain(b));
        const qualifying = entries.filter(([, s]) => s >= 1000n);
        assert.equal(a.isFederation, qualifying.length === 0);
        if (!a.isFederation) {
          assert.equal(a.producers.length, Math.min(5, qualifying.length));
          for (let i = 1; i < a.producers.length; i++) {
            const [prev, cur] = [a.producers[i - 1]!, a.producers[i]!];
            assert.ok(
              prev.stake > cur.stake ||
                (prev.stake === cur.stake && Buffer.compare(prev.producerKey, cur.producerKey) > 0),
            );
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});
