// Side blocks as producers assemble them: Vapor's coinbase (arbitrary, a zero output to the
// producer, then the payouts), and a block with devnet federation peg-ins that passes the side-chain
// block rules with every signature verified, while a forged peg-in fails them; its tally view.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assembleSideBlock,
  BTM_ASSET_ID,
  coinbaseArbitrary,
  consensusBlockOf,
  createDevnetPegIn,
  createSideCoinbase,
  createSideDevnetGenesis,
  createSignatureVerifier,
  devnetControlProgram,
  devnetFederationProgram,
  devnetProducerXPrv,
  type SideTx,
  sha3,
  sideBlockFees,
  sideBlockId,
  sideDevnetParams,
  validateSideBlockStateless,
  verifySignatureSets,
  xprvToXPub,
} from '../../src/index.ts';

const params = sideDevnetParams;
const genesis = createSideDevnetGenesis(params);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const programs = [0, 1, 2].map((i) => devnetControlProgram(xprvToXPub(devnetProducerXPrv(i))));
const pegIn = (n: number, signedBy?: Uint8Array) =>
  createDevnetPegIn({
    sourceId: sha3(new TextEncoder().encode(`assembly ${n}`)),
    amount: 1_000_000_000n,
    fee: 10_000_000n,
    controlProgram: programs[2]!,
    signedBy,
  });

/** Block 1 on the devnet genesis with `txs`, checked by the side-chain block rules. */
async function validate(txs: readonly SideTx[]) {
  const block = assembleSideBlock({
    parentId: sideBlockId(genesis.header),
    height: 1n,
    timestampMs: genesis.header.timestamp + params.consensus.blockIntervalMs,
    coinbase: createSideCoinbase(1n, programs[1]!, []),
    txs,
  });
  const result = validateSideBlockStateless(block, {
    params,
    consensus: params.consensus,
    parent: { id: sideBlockId(genesis.header), height: 0n, timestamp: genesis.header.timestamp },
    now: BigInt(Date.now()),
    coinbaseAmount: 0n,
    federationProgram: devnetFederationProgram(),
  });
  const verifier = createSignatureVerifier();
  await verifySignatureSets(verifier, result.signatureSets);
  return block;
}

describe('side block assembly', () => {
  it('coinbase: Vapor arbitrary, a zero output to the producer, then the payouts', () => {
    assert.deepEqual([...coinbaseArbitrary(42n)], [0, 0x34, 0x32]);
    const cb = createSideCoinbase(7n, programs[1]!, [{ controlProgram: programs[2]!, amount: 5n }]);
    assert.equal(cb.inputs[0]!.type, 'coinbase');
    assert.deepEqual(
      cb.outputs.map((o) => [o.type, o.amount, hex(o.controlProgram)]),
      [
        ['intraChain', 0n, hex(programs[1]!)],
        ['intraChain', 5n, hex(programs[2]!)],
      ],
    );
    assert.ok(cb.outputs.every((o) => hex(o.assetId) === hex(BTM_ASSET_ID)));
  });

  it('a block with federation peg-ins passes the block rules; its tally view has the fees', async () => {
    const block = await validate([pegIn(1), pegIn(2)]);
    assert.equal(sideBlockFees(block), 2n * 10_000_000n);
    const view = consensusBlockOf(block);
    assert.equal(view.fees, 20_000_000n);
    assert.equal(hex(view.rewardProgram), hex(programs[1]!));
    assert.deepEqual(view.rewardPayouts, []);
  });

  it('a peg-in signed by another key than the federation fails', async () => {
    await assert.rejects(validate([pegIn(1, devnetProducerXPrv(0))]), { code: 'BAD_SIGNATURE' });
  });
});
