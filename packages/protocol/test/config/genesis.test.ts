import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bitsToTarget,
  blockId,
  checkProofOfWork,
  createGenesisConsensusResult,
  createMainDevnetGenesis,
  createMainGenesisBlock,
  createSideDevnetGenesis,
  DEVNET_PRODUCER_COUNT,
  decodeBlock,
  decodeSideBlock,
  electProducers,
  encodeBlock,
  encodeSideBlock,
  initialTensoritySeed,
  MAINNET_GENESIS_BLOCK_BYTES,
  MAINNET_GENESIS_BLOCK_ID,
  sideBlockId,
  sideDevnet2Params,
  sideDevnetParams,
  targetToBits,
  tensority,
  txId,
  txMerkleRoot,
} from '@bystack/protocol';

const mainnetGenesis = decodeBlock(MAINNET_GENESIS_BLOCK_BYTES);

test("Bytom's mainnet genesis passes its proof of work on the initial seed", () => {
  const hash = tensority(blockId(mainnetGenesis.header), initialTensoritySeed());
  assert.equal(checkProofOfWork(hash, mainnetGenesis.header.bits), true);
  // The same hash fails a target 2^40 times harder: the check is not vacuous.
  assert.equal(checkProofOfWork(hash, targetToBits(bitsToTarget(mainnetGenesis.header.bits) >> 40n)), false);
});

test("the genesis builder reproduces Bytom's mainnet genesis from config/genesis.go's parameters", () => {
  const coinbase = mainnetGenesis.transactions[0]!;
  const input = coinbase.inputs[0]!;
  assert.equal(input.type, 'coinbase');
  const output = coinbase.outputs[0]!;
  const rebuilt = createMainGenesisBlock({
    controlProgram: output.controlProgram,
    amount: output.amount,
    timestamp: 1_524_549_600n,
    bits: 2_161_727_821_137_910_632n,
    arbitrary: input.type === 'coinbase' ? input.arbitrary : new Uint8Array(),
    startNonce: 9_253_507_043_297n,
  });
  assert.deepEqual(encodeBlock(rebuilt), MAINNET_GENESIS_BLOCK_BYTES);
  assert.deepEqual(blockId(rebuilt.header), MAINNET_GENESIS_BLOCK_ID);
});

test('the main devnet genesis is deterministic, round-trips and passes its proof of work', () => {
  const a = createMainDevnetGenesis();
  const b = createMainDevnetGenesis();
  assert.deepEqual(encodeBlock(a), encodeBlock(b));
  assert.deepEqual(encodeBlock(decodeBlock(encodeBlock(a))), encodeBlock(a));
  assert.deepEqual(a.header.transactionsMerkleRoot, txMerkleRoot([txId(a.transactions[0]!)]));
  const hash = tensority(blockId(a.header), initialTensoritySeed());
  assert.equal(checkProofOfWork(hash, a.header.bits), true);
});

test('side devnets: N=4 federation producers elected at genesis, distinct chain ids, round-tripping genesis', () => {
  assert.equal(sideDevnetParams.consensus.producerCount, DEVNET_PRODUCER_COUNT);
  assert.equal(sideDevnetParams.consensus.blockIntervalMs, 500n);
  assert.notEqual(sideDevnetParams.chainId, sideDevnet2Params.chainId);
  const genesis = createSideDevnetGenesis();
  assert.deepEqual(encodeSideBlock(decodeSideBlock(encodeSideBlock(genesis))), encodeSideBlock(genesis));
  const elected = electProducers(createGenesisConsensusResult(sideBlockId(genesis.header)), sideDevnetParams.consensus);
  assert.equal(elected.isFederation, true);
  assert.equal(elected.producers.length, 4);
  assert.notDeepEqual(sideBlockId(createSideDevnetGenesis(sideDevnet2Params).header), sideBlockId(genesis.header));
});
