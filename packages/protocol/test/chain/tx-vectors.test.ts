// Main-chain transaction wire format and ids against Bytom v1.1.1 `protocol/bc/types` vectors:
// decode -> fields, encode -> identical bytes, ids -> expected hex.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BTM_ASSET_ID } from '../../src/chain/constants.ts';
import {
  computeSpentOutputId,
  createTxEntries,
  decodeTx,
  decodeTxInput,
  decodeTxOutput,
  encodeTx,
  encodeTxInput,
  encodeTxOutput,
  issuanceAssetId,
  type Tx,
  type TxInput,
  txId,
} from '../../src/chain/index.ts';
import {
  readOutputCommitment,
  readSpendCommitment,
  writeOutputCommitment,
  writeSpendCommitment,
} from '../../src/chain/wire-parts.ts';
import { ByteReader } from '../../src/encoding/reader.ts';
import { ByteWriter } from '../../src/encoding/writer.ts';
import { coinbaseInput, hex, issuanceInput, spendInput, txOutput, unhex, utf8, withCode } from './builders.ts';

const withSize = (tx: Tx, serializedSize: number): Tx => ({ ...tx, serializedSize });

function checkTx(tx: Tx, wantHex: string, wantId: string, size: number): void {
  assert.equal(hex(encodeTx(tx)), wantHex);
  assert.deepEqual(decodeTx(unhex(wantHex)), withSize(tx, size));
  assert.equal(hex(txId(tx)), wantId);
}

const issuance = issuanceInput(
  utf8('nonce'),
  254354n,
  utf8('issuanceProgram'),
  [utf8('arguments1'), utf8('arguments2')],
  utf8('assetDefinition'),
);
const issuedAsset = unhex('a69849e11add96ac7053aad22ba2349a4abf5feb0475a0afcadff4e128be76cf');
const sourceId = unhex('fad5195a0c8e3b590b86a3c0a95e7529565888508aecca96e9aeda633002f409');

// protocol/bc/types/transaction_test.go, TestTransaction
test('transactions (transaction_test.go TestTransaction)', () => {
  checkTx(
    { version: 1n, timeRange: 0n, inputs: [], outputs: [] },
    '0701000000',
    '8e88b9cb4615128c7209dff695f68b8de5b38648bf3d44d2d0e6a674848539c9',
    5,
  );
  checkTx(
    {
      version: 1n,
      timeRange: 654n,
      inputs: [
        issuance,
        spendInput([utf8('arguments3'), utf8('arguments4')], sourceId, BTM_ASSET_ID, 254354n, 3n, utf8('spendProgram')),
      ],
      outputs: [txOutput(issuedAsset, 254354n, utf8('true'))],
    },
    [
      '07018e0502',
      '012a00056e6f6e6365a69849e11add96ac7053aad22ba2349a4abf5feb0475a0afcadff4e128be76cf92c30f',
      '380f6173736574446566696e6974696f6e010f69737375616e636550726f6772616d020a617267756d656e7473310a617267756d656e747332',
      '01540152fad5195a0c8e3b590b86a3c0a95e7529565888508aecca96e9aeda633002f409',
      'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff92c30f03010c7370656e6450726f6772616d',
      '17020a617267756d656e7473330a617267756d656e747334',
      '01',
      '0129a69849e11add96ac7053aad22ba2349a4abf5feb0475a0afcadff4e128be76cf92c30f01047472756500',
    ].join(''),
    'a0ece5ca48dca27708394852599cb4d04af22c36538c03cb72663f3091406c17',
    261,
  );
  checkTx(
    {
      version: 1n,
      timeRange: 0n,
      inputs: [coinbaseInput(utf8('arbitrary'))],
      outputs: [txOutput(BTM_ASSET_ID, 254354n, utf8('true')), txOutput(BTM_ASSET_ID, 254354n, utf8('false'))],
    },
    [
      '07010001010b020961726269747261727900',
      '02',
      '0129ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff92c30f01047472756500',
      '012affffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff92c30f010566616c736500',
    ].join(''),
    'c2e2f388706fc06cca6aba5e85e0e85029f772872e1b6e6c32a70da22d0309dc',
    108,
  );
});

// A valid tx used by transaction_test.go TestTransactionTrailingGarbage and TestFuzzUnknownAssetVersion.
const validTxHex =
  '07010001012b00030a0908916133a0d64d1d973b631e226ef95338ad4a536b95635f32f0d04708a6f2a26380a094a58d1d09000101010103010203010129000000000000000000000000000000000000000000000000000000000000000080a094a58d1d01010100';

// transaction_test.go, TestTransactionTrailingGarbage and TestFuzzUnknownAssetVersion
test('whole-buffer decoding and stable re-encoding (TestTransactionTrailingGarbage, TestFuzzUnknownAssetVersion)', () => {
  const tx = decodeTx(unhex(validTxHex));
  assert.throws(() => decodeTx(unhex(validTxHex + '00'.repeat(10))), withCode('TRAILING_BYTES'));
  const again = decodeTx(encodeTx(tx));
  assert.equal(hex(txId(again)), hex(txId(tx)));
  assert.equal(hex(encodeTx(again)), validTxHex);
});

// transaction_test.go, TestInvalidIssuance: the committed asset id does not match the witness.
test('issuance with a wrong asset id is refused (TestInvalidIssuance)', () => {
  const bad = [
    '07010001012b00030a0908',
    '0000000000000000000000000000000000000000000000000000000000000000',
    '80a094a58d1d29',
    '03deff1d4319d67baa10a6d26c1fea9c3e8d30e33474efee1a610a9bb49d758d',
    '000101010103010203',
    '01012900000000000000000000000000000000000000000000000000000000000000000080a094a58d1d010101066f7574707574000869737375616e6365',
  ].join('');
  assert.throws(() => decodeTx(unhex(bad)), withCode('ASSET_ID_MISMATCH'));
});

function checkInput(input: TxInput, wantHex: string): void {
  assert.equal(hex(encodeTxInput(input)), wantHex);
  assert.deepEqual(decodeTxInput(unhex(wantHex)), input);
}

// protocol/bc/types/txinput_test.go, TestSerializationIssuance / Spend / Coinbase
test('inputs (txinput_test.go)', () => {
  checkInput(
    issuance,
    '012a00056e6f6e6365a69849e11add96ac7053aad22ba2349a4abf5feb0475a0afcadff4e128be76cf92c30f' +
      '380f6173736574446566696e6974696f6e010f69737375616e636550726f6772616d020a617267756d656e7473310a617267756d656e747332',
  );
  assert.deepEqual(issuanceAssetId(issuance), issuedAsset);
  checkInput(
    spendInput(
      [utf8('arguments1'), utf8('arguments2')],
      sourceId,
      unhex('fe9791d71b67ee62515e08723c061b5ccb952a80d804417c8aeedf7f633c524a'),
      254354n,
      3n,
      utf8('spendProgram'),
    ),
    '01540152fad5195a0c8e3b590b86a3c0a95e7529565888508aecca96e9aeda633002f409' +
      'fe9791d71b67ee62515e08723c061b5ccb952a80d804417c8aeedf7f633c524a92c30f03010c7370656e6450726f6772616d' +
      '17020a617267756d656e7473310a617267756d656e747332',
  );
  checkInput(coinbaseInput(utf8('arbitrary')), '010b020961726269747261727900');
});

// protocol/bc/types/txoutput_test.go, TestSerializationTxOutput
test('outputs (txoutput_test.go TestSerializationTxOutput)', () => {
  const output = txOutput(
    unhex('81756fdab39a17163b0ce582ee4ee256fb4d1e156c692b997d608a42ecb38d47'),
    254354n,
    utf8('TestSerializationTxOutput'),
  );
  const want =
    '013e81756fdab39a17163b0ce582ee4ee256fb4d1e156c692b997d608a42ecb38d4792c30f0119' +
    '5465737453657269616c697a6174696f6e54784f757470757400';
  assert.equal(hex(encodeTxOutput(output)), want);
  assert.deepEqual(decodeTxOutput(unhex(want)), output);
});

// protocol/bc/types/spend_commitment_test.go TestReadWriteSpendCommitment and
// spend_test.go TestSerializationSpendCommitment: the spend commitment's own extensible string.
test('spend commitments (spend_commitment_test.go, spend_test.go)', () => {
  const cases = [
    {
      sourceId: '3160fb24f97e06ad5a9717cd47fe2b65c7409903216b39120b10550282b20e99',
      assetId: 'ff'.repeat(32),
      amount: 100n,
      sourcePosition: 0n,
      program: '0014d927424f4e8c242460b538f04c2676b97842e9a7',
      want: '5a3160fb24f97e06ad5a9717cd47fe2b65c7409903216b39120b10550282b20e99ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff640001160014d927424f4e8c242460b538f04c2676b97842e9a7',
    },
    {
      sourceId: '4b5cb973f5bef4eadde4c89b92ee73312b940e84164da0594149554cc8a2adea',
      assetId: 'ff'.repeat(32),
      amount: 999n,
      sourcePosition: 2n,
      program: '001418549d84daf53344d32563830c7cf979dc19d5c0',
      want: '5b4b5cb973f5bef4eadde4c89b92ee73312b940e84164da0594149554cc8a2adeaffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe707020116001418549d84daf53344d32563830c7cf979dc19d5c0',
    },
    {
      sourceId: 'bef8ff450b877df84174ac5c279fc97da0f507ffe7beef7badf116ea9e2ff041',
      assetId: '81756fdab39a17163b0ce582ee4ee256fb4d1e156c692b997d608a42ecb38d47',
      amount: 254354n,
      sourcePosition: 3n,
      program: hex(utf8('TestSerializationSpendCommitment')),
      want:
        '66bef8ff450b877df84174ac5c279fc97da0f507ffe7beef7badf116ea9e2ff041' +
        '81756fdab39a17163b0ce582ee4ee256fb4d1e156c692b997d608a42ecb38d4792c30f030120' +
        '5465737453657269616c697a6174696f6e5370656e64436f6d6d69746d656e74',
    },
  ];
  for (const c of cases) {
    const commitment = {
      sourceId: unhex(c.sourceId),
      assetId: unhex(c.assetId),
      amount: c.amount,
      sourcePosition: c.sourcePosition,
      controlProgram: unhex(c.program),
      spendCommitmentSuffix: undefined,
    };
    const w = new ByteWriter();
    writeSpendCommitment(w, commitment);
    assert.equal(hex(w.toBytes()), c.want);
    const r = new ByteReader(unhex(c.want));
    assert.deepEqual(readSpendCommitment(r), commitment);
    r.expectEnd();
  }
});

// protocol/bc/types/output_commitment_test.go, TestReadWriteOutputCommitment
test('output commitments (output_commitment_test.go)', () => {
  const cases = [
    [
      100n,
      '00140876db6ca8f4542a836f0edd42b87d095d081182',
      '39' + 'ff'.repeat(32) + '64011600140876db6ca8f4542a836f0edd42b87d095d081182',
    ],
    [
      50n,
      '00148bf7800b2333afd8414d6e903d58c4908b9bbcc7',
      '39' + 'ff'.repeat(32) + '32011600148bf7800b2333afd8414d6e903d58c4908b9bbcc7',
    ],
  ] as const;
  for (const [amount, program, want] of cases) {
    const commitment = { assetId: BTM_ASSET_ID, amount, controlProgram: unhex(program), suffix: undefined };
    const w = new ByteWriter();
    writeOutputCommitment(w, commitment, undefined);
    assert.equal(hex(w.toBytes()), want);
    assert.deepEqual(readOutputCommitment(new ByteReader(unhex(want))), commitment);
  }
});

// protocol/bc/types/map_test.go, TestMapSpendTx and TestMapCoinbaseTx (structure of the graph)
test('entry graph structure (map_test.go)', () => {
  const spend = spendInput([], sourceId, BTM_ASSET_ID, 88n, 3n, new Uint8Array([1]));
  const tx: Tx = {
    version: 0n,
    timeRange: 0n,
    inputs: [issuance, spend],
    outputs: [txOutput(BTM_ASSET_ID, 80n, new Uint8Array([1])), txOutput(BTM_ASSET_ID, 80n, new Uint8Array([1]))],
  };
  const entries = createTxEntries(tx);
  assert.equal(entries.inputIds.length, 2);
  assert.equal(entries.outputIds.length, 2);
  assert.equal(entries.sigHashes.length, 2);
  assert.deepEqual(entries.inputValues[0], { assetId: issuedAsset, amount: 254354n });
  assert.deepEqual(entries.inputValues[1], { assetId: BTM_ASSET_ID, amount: 88n });
  assert.equal(entries.spentOutputIds[0], undefined);
  assert.deepEqual(entries.spentOutputIds[1], computeSpentOutputId(spend));
  // Outputs at different positions of the same mux get different ids.
  assert.notDeepEqual(entries.outputIds[0], entries.outputIds[1]);

  const coinbaseTx: Tx = {
    version: 0n,
    timeRange: 0n,
    inputs: [coinbaseInput(utf8('TestMapCoinbaseTx'))],
    outputs: [txOutput(BTM_ASSET_ID, 800000000000n, new Uint8Array([1]))],
  };
  const cb = createTxEntries(coinbaseTx);
  assert.deepEqual(cb.inputValues[0], { assetId: BTM_ASSET_ID, amount: 800000000000n });
  assert.deepEqual(cb.spentOutputIds, [undefined]);
  assert.throws(() => createTxEntries({ ...coinbaseTx, outputs: [] }), withCode('COINBASE_WITHOUT_OUTPUT'));
});

// Upstream keeps unparsed bytes at the end of extensible strings and writes them back.
test('extensible-string suffixes survive a round trip and do not change the id', () => {
  const plain = decodeTx(unhex(validTxHex));
  const input = plain.inputs[0]!;
  const withSuffixes: Tx = {
    ...plain,
    inputs: [{ ...input, commitmentSuffix: new Uint8Array([0xaa]), witnessSuffix: new Uint8Array([0xbb, 0xcc]) }],
    outputs: plain.outputs.map((o) => ({
      ...o,
      commitmentSuffix: new Uint8Array([1]),
      witnessSuffix: new Uint8Array([2]),
    })),
  };
  const bytes = encodeTx(withSuffixes);
  assert.equal(bytes.length, unhex(validTxHex).length + 5);
  assert.deepEqual(decodeTx(bytes), withSize(withSuffixes, bytes.length));
  assert.deepEqual(txId(decodeTx(bytes)), txId(plain));
});
