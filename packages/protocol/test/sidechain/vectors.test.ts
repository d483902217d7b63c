// Side-chain wire format, entry ids and block headers against Vapor (HEAD) vectors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BTM_ASSET_ID } from '../../src/chain/constants.ts';
import { muxEntryId, retirementEntryId, spendEntryId, txHeaderEntryId } from '../../src/chain/index.ts';
import {
  computeSideSpentOutputId,
  computeVetoSpentOutputId,
  createSideTxEntries,
  crossChainInputEntryId,
  crossChainOutputEntryId,
  decodeSideBlock,
  decodeSideBlockHeader,
  decodeSideTx,
  decodeSideTxInput,
  decodeSideTxOutput,
  encodeSideBlock,
  encodeSideBlockHeader,
  encodeSideTx,
  encodeSideTxInput,
  encodeSideTxOutput,
  intraChainOutputEntryId,
  type SideBlockHeader,
  type SideTx,
  type SideTxInput,
  type SideTxOutput,
  sideBlockId,
  sideTxId,
  vetoInputEntryId,
  voteOutputEntryId,
} from '../../src/sidechain/index.ts';
import { coinbaseInput, hex, spendInput, unhex, utf8, withCode, words } from '../chain/builders.ts';
import { crossChainInput, crossChainOutput, intraChainOutput, vetoInput, voteOutput } from './builders.ts';

// protocol/bc/types/transaction_test.go, TestTransaction
test('side transactions (transaction_test.go TestTransaction)', () => {
  const cases: [SideTx, string, string, number][] = [
    [
      { version: 1n, timeRange: 0n, inputs: [], outputs: [] },
      '0701000000',
      '8e88b9cb4615128c7209dff695f68b8de5b38648bf3d44d2d0e6a674848539c9',
      5,
    ],
    [
      {
        version: 1n,
        timeRange: 0n,
        inputs: [coinbaseInput(utf8('arbitrary'))],
        outputs: [
          intraChainOutput(BTM_ASSET_ID, 254354n, utf8('true')),
          intraChainOutput(BTM_ASSET_ID, 254354n, utf8('false')),
        ],
      },
      [
        '07010001010b020961726269747261727900',
        '02',
        '012b0029ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff92c30f01047472756500',
        '012c002affffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff92c30f010566616c736500',
      ].join(''),
      '2591a2af0d3690107215c2a47ab60c4e8d7547f04154ecd5ccab1db0d31e66b4',
      112,
    ],
  ];
  for (const [tx, want, id, size] of cases) {
    assert.equal(hex(encodeSideTx(tx)), want);
    assert.deepEqual(decodeSideTx(unhex(want)), { ...tx, serializedSize: size });
    assert.equal(hex(sideTxId(tx)), id);
  }
});

const args12 = [utf8('arguments1'), utf8('arguments2')];
const sourceId = unhex('fad5195a0c8e3b590b86a3c0a95e7529565888508aecca96e9aeda633002f409');
const assetId = unhex('fe9791d71b67ee62515e08723c061b5ccb952a80d804417c8aeedf7f633c524a');
const xpubText = utf8(
  'af594006a40837d9f028daabb6d589df0b9138daefad5683e5233c2646279217294a8d532e60863bcf196625a35fb8ceeffa3c09610eb92dcfb655a947f13269',
);
const argsWitness = '17020a617267756d656e7473310a617267756d656e747332';

function checkInput(input: SideTxInput, want: string): void {
  assert.equal(hex(encodeSideTxInput(input)), want);
  assert.deepEqual(decodeSideTxInput(unhex(want)), input);
}

// protocol/bc/types/txinput_test.go: TestSerializationSpend, CrossIn, Veto, Coinbase
test('side inputs (txinput_test.go)', () => {
  const spendCommitment = `52${hex(sourceId)}${hex(assetId)}92c30f03010c7370656e6450726f6772616d`;
  checkInput(
    spendInput(args12, sourceId, assetId, 254354n, 3n, utf8('spendProgram')),
    `015401${spendCommitment}${argsWitness}`,
  );
  checkInput(
    crossChainInput(args12, sourceId, assetId, 254354n, 3n, 1n, utf8('whatever'), utf8('IssuanceProgram')),
    `016200` +
      `46${hex(sourceId)}${hex(assetId)}92c30f030100` +
      `01087768617465766572` +
      `0f49737375616e636550726f6772616d${argsWitness}`,
  );
  checkInput(
    vetoInput(args12, sourceId, assetId, 254354n, 3n, utf8('spendProgram'), xpubText),
    `01d60103${spendCommitment}8001${hex(xpubText)}${argsWitness}`,
  );
  checkInput(coinbaseInput(utf8('arbitrary')), '010b020961726269747261727900');
});

function checkOutput(output: SideTxOutput, want: string): void {
  assert.equal(hex(encodeSideTxOutput(output)), want);
  assert.deepEqual(decodeSideTxOutput(unhex(want)), output);
}

// protocol/bc/types/txoutput_test.go: TestSerializationIntraChainTxOutput, CrossChain, VoteOutput
test('side outputs (txoutput_test.go)', () => {
  const asset = unhex('81756fdab39a17163b0ce582ee4ee256fb4d1e156c692b997d608a42ecb38d47');
  const program = utf8('TestSerializationTxOutput');
  const commitment = (amount: string, len: string) => `${len}${hex(asset)}${amount}0119${hex(program)}`;
  checkOutput(intraChainOutput(asset, 254354n, program), `014000${commitment('92c30f', '3e')}00`);
  checkOutput(crossChainOutput(asset, 254354n, program), `014001${commitment('92c30f', '3e')}00`);
  checkOutput(voteOutput(asset, 1000n, program, xpubText), `01c101028001${hex(xpubText)}${commitment('e807', '3d')}00`);
});

// protocol/bc/types/txoutput_test.go, TestComputeOutputID
test('side spent output ids (txoutput_test.go TestComputeOutputID)', () => {
  const commitment = (source: string, amount: bigint, program: string) => ({
    sourceId: unhex(source),
    assetId: BTM_ASSET_ID,
    amount,
    sourcePosition: 2n,
    controlProgram: unhex(program),
  });
  assert.equal(
    hex(
      computeSideSpentOutputId(
        commitment(
          '4b5cb973f5bef4eadde4c89b92ee73312b940e84164da0594149554cc8a2adea',
          1000n,
          '0014cb9f2391bafe2bc1159b2c4c8a0f17ba1b4dd94e',
        ),
      ),
    ),
    '73eea4d38b22ffd60fc30d0941f3875f45e29d424227bfde100193a08568605b',
  );
  assert.equal(
    hex(
      computeSideSpentOutputId(
        commitment(
          '9e74e35362ffc73c8967aa0008da8fcbc62a21d35673fb970445b5c2972f8603',
          999n,
          '001418549d84daf53344d32563830c7cf979dc19d5c0',
        ),
      ),
    ),
    '8371e76fd1c873503a326268bfd286ffe13009a0f1140d2c858e8187825696ab',
  );
  const veto = commitment(
    '993d3797fa3b2d958f300e599987dc10904b13f56ce89d158f60f9131424e0e2',
    999n,
    '00145c47f3a0dd3e1e9956fe5b0f897072ed33f9efb9',
  );
  assert.equal(
    hex(computeVetoSpentOutputId(veto, xpubText)),
    'a4de5a81babc7949d6b38d1cd4bcbc83da340387e747b5f521af3e427c6b0132',
  );
  assert.equal(
    hex(computeVetoSpentOutputId(veto, new Uint8Array(0))),
    'e42a48ef401b993c5e523b6a7b5456ad4b297c7aeda163405f265d8d00af983e',
  );
});

// protocol/bc/entry_test.go, TestEntryID
test('side entry ids (entry_test.go TestEntryID)', () => {
  const h0123 = words(0n, 1n, 2n, 3n);
  const source = { ref: words(4n, 5n, 6n, 7n), value: { assetId: words(1n, 1n, 1n, 1n), amount: 10n }, position: 10n };
  const program5555 = { vmVersion: 1n, code: new Uint8Array([5, 5, 5, 5]) };
  assert.equal(
    hex(
      muxEntryId([{ ref: h0123, value: { assetId: words(1n, 2n, 3n, 4n), amount: 100n }, position: 1n }], {
        vmVersion: 1n,
        code: new Uint8Array([1, 2, 3, 4]),
      }),
    ),
    '16c4265a8a90916434c2a904a90132c198c7ebf8512aa1ba4485455b0beff388',
  );
  assert.equal(
    hex(intraChainOutputEntryId(source, program5555)),
    'c60faad6ae44b15d54a57b5bd021f6cec0e5f7d2c55f53b90d6231ce5c561e9c',
  );
  assert.equal(hex(retirementEntryId(source)), '538c367f7b6e1e9bf205ed0a29def84a1467c477b19812a6934e831c78c4da62');
  assert.equal(
    hex(
      crossChainInputEntryId(h0123, {
        issuanceProgram: { vmVersion: 1n, code: new Uint8Array([1, 2, 3, 4]) },
        dataHash: h0123,
      }),
    ),
    '14bb3f6e68f37d037b1f1539a21ab41e182b8d59d703a1af6c426d52cfc775d9',
  );
  assert.equal(
    hex(crossChainOutputEntryId(source, program5555)),
    '8e212555174bb8b725d7023cbe1864408c6a586389875ea0143257c2402b3be9',
  );
  assert.equal(
    hex(voteOutputEntryId(source, program5555, utf8('vote'))),
    '67e722b339e58604e46b5a08b9684ab8b6dcb3e6218954db133c05eb2b76f0e8',
  );
  assert.equal(hex(vetoInputEntryId(h0123)), 'a4f4909f947977b50bdd978fcd320161b66a266833546b6399f4709b8dd6ad59');
  assert.equal(hex(spendEntryId(h0123)), '2761dbb13967af8944620c134e0f336bbbb26f61eb4ecd154bc034ad6155b9e8');
  assert.equal(
    hex(txHeaderEntryId(1n, 1000n, [source.ref])),
    'ba592aa0841bd4649d9a04309e2e8497ac6f295a847cadd9de6b6f9c2d806663',
  );
});

const prev = unhex('c34048bd60c4c13144fd34f408627d1be68f6cb4fdd34e879d6d791060ea73a0');
const txRoot = unhex('ad9ac003d08ff305181a345d64fe0b02311cc1a6ec04ab73f3318d90139bfe03');
const statusRoot = unhex('b94301ea4e316bee00109f68d25beaca90aeff08e9bf439a37d91d7a3b5a1470');
const ZERO = new Uint8Array(32);

function sideHeader(fields: Partial<SideBlockHeader>): SideBlockHeader {
  return {
    version: 1n,
    height: 0n,
    previousBlockId: ZERO,
    timestamp: 0n,
    transactionsMerkleRoot: ZERO,
    transactionStatusHash: ZERO,
    witness: [],
    commitmentSuffix: undefined,
    witnessSuffix: undefined,
    ...fields,
  };
}

// protocol/bc/types/block_header_test.go (TestBlockHeader, TestMarshalBlockHeader,
// TestUnmarshalBlockHeader) and block_witness_test.go (TestReadWriteBlockWitness)
test('side block headers (block_header_test.go, block_witness_test.go)', () => {
  const beef = new Uint8Array([0xbe, 0xef]);
  const maxHeight = 9223372036854775807n;
  const cases: [SideBlockHeader, string][] = [
    [
      sideHeader({
        height: 432234n,
        previousBlockId: prev,
        timestamp: 1522908275000n,
        transactionsMerkleRoot: txRoot,
        transactionStatusHash: statusRoot,
        witness: [beef],
      }),
      `0101eab01a${hex(prev)}b8c2a0a3a92c40${hex(txRoot)}${hex(statusRoot)}040102beef`,
    ],
    [
      sideHeader({
        height: 10000n,
        previousBlockId: prev,
        timestamp: 1528945000000n,
        transactionsMerkleRoot: txRoot,
        transactionStatusHash: statusRoot,
        witness: [beef],
      }),
      `0101904e${hex(prev)}c0fce4e1bf2c40${hex(txRoot)}${hex(statusRoot)}040102beef`,
    ],
    [
      sideHeader({
        height: maxHeight,
        previousBlockId: prev,
        timestamp: 1528945000000n,
        witness: [beef, new Uint8Array([0xab, 0xcd]), new Uint8Array([0xcd, 0x68])],
      }),
      `0101ffffffffffffffff7f${hex(prev)}c0fce4e1bf2c40${'00'.repeat(64)}0a0302beef02abcd02cd68`,
    ],
    [
      sideHeader({
        height: maxHeight,
        previousBlockId: prev,
        timestamp: 1528945000000n,
        witness: [beef, new Uint8Array(0), new Uint8Array([0xcd, 0x68])],
      }),
      `0101ffffffffffffffff7f${hex(prev)}c0fce4e1bf2c40${'00'.repeat(64)}080302beef0002cd68`,
    ],
    [
      sideHeader({ height: maxHeight, previousBlockId: prev, timestamp: 1528945000000n }),
      `0101ffffffffffffffff7f${hex(prev)}c0fce4e1bf2c40${'00'.repeat(64)}0100`,
    ],
  ];
  for (const [h, want] of cases) {
    assert.equal(hex(encodeSideBlockHeader(h)), want);
    assert.deepEqual(decodeSideBlockHeader(unhex(want)), h);
  }
  assert.throws(
    () => encodeSideBlockHeader({ ...cases[1]![0], height: maxHeight + 1n }),
    withCode('VALUE_OUT_OF_RANGE'),
  );
  // The witness is not covered by the block id: producers add signatures after the fact.
  assert.deepEqual(sideBlockId(cases[0]![0]), sideBlockId({ ...cases[0]![0], witness: [] }));
  assert.throws(() => decodeSideBlockHeader(unhex(`02${cases[1]![1].slice(2)}`)), withCode('BAD_SERFLAGS'));
});

test('side blocks round-trip; the coinbase is valued as the sum of all outputs', () => {
  const coinbase: SideTx = {
    version: 1n,
    timeRange: 0n,
    inputs: [coinbaseInput(utf8('height 7'))],
    outputs: [intraChainOutput(BTM_ASSET_ID, 5n, utf8('a')), intraChainOutput(BTM_ASSET_ID, 7n, utf8('b'))],
  };
  const entries = createSideTxEntries(coinbase);
  assert.deepEqual(entries.inputValues[0], { assetId: BTM_ASSET_ID, amount: 12n });
  const block = {
    header: sideHeader({ height: 7n, timestamp: 1563344560002n, witness: [new Uint8Array(64)] }),
    transactions: [coinbase],
  };
  const bytes = encodeSideBlock(block);
  assert.deepEqual(decodeSideBlock(bytes), {
    header: block.header,
    transactions: [{ ...coinbase, serializedSize: encodeSideTx(coinbase).length }],
  });
});

test('cross-chain and veto inputs map to their own entries', () => {
  const cross = crossChainInput([], sourceId, assetId, 10n, 0n, 1n, utf8('{}'), new Uint8Array([0x51]));
  const veto = vetoInput([], sourceId, BTM_ASSET_ID, 10n, 1n, new Uint8Array([0x51]), xpubText);
  const tx: SideTx = {
    version: 1n,
    timeRange: 0n,
    inputs: [cross, veto],
    outputs: [
      voteOutput(BTM_ASSET_ID, 10n, new Uint8Array([0x51]), xpubText),
      crossChainOutput(assetId, 10n, new Uint8Array([0x6a])),
    ],
  };
  const entries = createSideTxEntries(tx);
  assert.deepEqual(entries.mainchainOutputIds, [computeSideSpentOutputId(cross), undefined]);
  assert.deepEqual(entries.spentOutputIds, [undefined, computeVetoSpentOutputId(veto, xpubText)]);
  assert.deepEqual(entries.inputIds[1], vetoInputEntryId(computeVetoSpentOutputId(veto, xpubText)));
  // An OP_FAIL program makes any output type a retirement.
  assert.deepEqual(
    entries.outputIds[1],
    retirementEntryId({ ref: entries.muxId, value: tx.outputs[1]!, position: 1n }),
  );
});
