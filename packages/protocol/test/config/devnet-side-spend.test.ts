// Devnet side-chain payments pass the side chain's stateless checks and their signatures verify;
// one signed by another key, or spending a coin the payer does not hold, does not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createDevnetPegIn,
  createDevnetSideSpend,
  createSideTxEntries,
  createSignatureVerifier,
  devnetControlProgram,
  devnetFederationProgram,
  devnetSideCoinsOf,
  devnetXPrv,
  sha3,
  sideDevnetParams,
  validateSideTxStateless,
  verifySignatureSets,
  xprvToXPub,
} from '../../src/index.ts';

const payer = devnetXPrv('spend-test', 0);
const recipient = devnetControlProgram(xprvToXPub(devnetXPrv('spend-test-recipient', 0)));
const pegIn = createDevnetPegIn({
  sourceId: sha3(new TextEncoder().encode('spend test')),
  amount: 1_000_000_000n,
  fee: 10_000_000n,
  controlProgram: devnetControlProgram(xprvToXPub(payer)),
});
const coin = devnetSideCoinsOf(pegIn)[0]!;

async function valid(tx: ReturnType<typeof createDevnetSideSpend>): Promise<boolean> {
  const { signatureSets } = validateSideTxStateless(tx, createSideTxEntries(tx), {
    params: sideDevnetParams,
    consensus: sideDevnetParams.consensus,
    federationProgram: devnetFederationProgram(),
    blockHeight: 2n,
  });
  try {
    await verifySignatureSets(createSignatureVerifier(), signatureSets);
    return true;
  } catch {
    return false;
  }
}

test("a coin of the peg-in's output, spent by its holder: valid", async () => {
  assert.equal(coin.amount, 990_000_000n);
  assert.deepEqual(coin.sourceId, createSideTxEntries(pegIn).muxId);
  assert.equal(await valid(createDevnetSideSpend(payer, coin, [[recipient, coin.amount - 10_000_000n]])), true);
});

test('signed by a key that does not hold the coin: the signature fails', async () => {
  const other = devnetXPrv('spend-test-other', 0);
  const tx = createDevnetSideSpend(other, coin, [[recipient, coin.amount - 10_000_000n]]);
  // The spend names the signer's program, not the coin's: its check passes only for that program.
  assert.notDeepEqual(tx.inputs[0]!.type === 'spend' && tx.inputs[0]!.controlProgram, pegIn.outputs[0]!.controlProgram);
  const forged = { ...tx, inputs: [{ ...tx.inputs[0]!, controlProgram: pegIn.outputs[0]!.controlProgram }] };
  // Its hash check (in the VM) or its signature fails.
  assert.equal(await valid(forged as typeof tx).catch(() => false), false);
});
