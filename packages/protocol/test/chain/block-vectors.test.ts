// Main-chain blocks, headers, block ids and Merkle roots against Bytom v1.1.1 vectors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BTM_ASSET_ID } from '../../src/chain/constants.ts';
import {
  type Block,
  type BlockHeader,
  blockId,
  decodeBlock,
  decodeBlockHeader,
  decodeTx,
  encodeBlock,
  encodeBlockHeader,
  txId,
  txMerkleRoot,
  txStatusMerkleRoot,
} from '../../src/chain/index.ts';
import { coinbaseInput, hex, issuanceInput, spendInput, txOutput, unhex, utf8, withCode } from './builders.ts';

const prev = unhex('c34048bd60c4c13144fd34f408627d1be68f6cb4fdd34e879d6d791060ea73a0');
const txRoot = unhex('ad9ac003d08ff305181a345d64fe0b02311cc1a6ec04ab73f3318d90139bfe03');
const statusRoot = unhex('b94301ea4e316bee00109f68d25beaca90aeff08e9bf439a37d91d7a3b5a1470');
const ZERO = new Uint8Array(32);

function header(fields: Partial<BlockHeader>): BlockHeader {
  return {
    version: 1n,
    height: 0n,
    previousBlockId: ZERO,
    timestamp: 0n,
    transactionsMerkleRoot: ZERO,
    transactionStatusHash: ZERO,
    nonce: 0n,
    bits: 0n,
    commitmentSuffix: undefined,
    ...fields,
  };
}

// protocol/bc/types/block_header_test.go, TestBlockHeader and TestMarshalBlockHeader
test('block headers (block_header_test.go TestBlockHeader, TestMarshalBlockHeader)', () => {
  const cases: [BlockHeader, string][] = [
    [
      header({
        height: 432234n,
        previousBlockId: prev,
        timestamp: 1522908275n,
        nonce: 34342n,
        bits: 2305843009222082559n,
        transactionsMerkleRoot: txRoot,
        transactionStatusHash: statusRoot,
      }),
      `0101eab01a${hex(prev)}f3f896d60540${hex(txRoot)}${hex(statusRoot)}a68c02ffffff838080808020`,
    ],
    [
      header({
        height: 10000n,
        previousBlockId: prev,
        timestamp: 1528945000n,
        nonce: 9253507043297n,
        bits: 2305843009214532812n,
        transactionsMerkleRoot: txRoot,
        transactionStatusHash: statusRoot,
      }),
      `0101904e${hex(prev)}e8b287d90540${hex(txRoot)}${hex(statusRoot)}e19f8080a88d02cc99b3808080808020`,
    ],
    [
      header({
        height: 9223372036854775807n,
        previousBlockId: prev,
        timestamp: 1528945000n,
        nonce: 9253507043297n,
        bits: 2305843009214532812n,
      }),
      `0101ffffffffffffffff7f${hex(prev)}e8b287d90540${'00'.repeat(64)}e19f8080a88d02cc99b3808080808020`,
    ],
  ];
  for (const [h, want] of cases) {
    assert.equal(hex(encodeBlockHeader(h)), want);
    assert.deepEqual(decodeBlockHeader(unhex(want)), h);
  }
  // Height or timestamp above MaxInt64 cannot be written (upstream ErrRange).
  const base = cases[1]![0];
  assert.throws(() => encodeBlockHeader({ ...base, height: 9223372036854775808n }), withCode('VALUE_OUT_OF_RANGE'));
  assert.throws(() => encodeBlockHeader({ ...base, timestamp: 9223372036854775808n }), withCode('VALUE_OUT_OF_RANGE'));
});

// protocol/bc/types/block_header_test.go, TestUnmarshalBlockHeader (error cases)
test('malformed headers (block_header_test.go TestUnmarshalBlockHeader)', () => {
  const body = (height: string, bits: string) =>
    `01${height}${hex(prev)}e8b287d90540${hex(txRoot)}${hex(statusRoot)}e19f8080a88d02${bits}`;
  const good = `01${body('904e', 'cc99b3808080808020')}`;
  assert.equal(decodeBlockHeader(unhex(good)).height, 10000n);
  // Serialization flags 0x02 (transactions only) are not a header.
  assert.throws(() => decodeBlockHeader(unhex(`02${body('904e', 'cc99b3808080808020')}`)), withCode('BAD_SERFLAGS'));
  // Upstream's header parser also takes 0x03 and ignores what follows; here a header is 0x01 only
  // and a full block must be decoded with decodeBlock.
  assert.throws(() => decodeBlockHeader(unhex(`03${body('904e', 'cc99b3808080808020')}`)), withCode('BAD_SERFLAGS'));
  const maxHeight = 'ffffffffffffffff7f';
  assert.throws(
    () => decodeBlockHeader(unhex(`01${body(maxHeight, 'ffffffffffffffffff20')}`)),
    withCode('VARINT_OVERFLOW'),
  );
  assert.throws(() => decodeBlockHeader(unhex(`01${body(maxHeight, 'ffffffffffffffff80')}`)), withCode('TRUNCATED'));
  assert.throws(
    () => decodeBlockHeader(unhex(`01${body(maxHeight, 'ffffffffffffffffff01')}`)),
    withCode('VALUE_OUT_OF_RANGE'),
  );
  assert.equal(decodeBlockHeader(unhex(`01${body(maxHeight, 'cc99b3808080808020')}`)).height, 9223372036854775807n);
});

const txIssueAndSpend = {
  version: 1n,
  timeRange: 654n,
  inputs: [
    issuanceInput(
      utf8('nonce'),
      254354n,
      utf8('issuanceProgram'),
      [utf8('arguments1'), utf8('arguments2')],
      utf8('assetDefinition'),
    ),
    spendInput(
      [utf8('arguments3'), utf8('arguments4')],
      unhex('fad5195a0c8e3b590b86a3c0a95e7529565888508aecca96e9aeda633002f409'),
      BTM_ASSET_ID,
      254354n,
      3n,
      utf8('spendProgram'),
    ),
  ],
  outputs: [txOutput(unhex('a69849e11add96ac7053aad22ba2349a4abf5feb0475a0afcadff4e128be76cf'), 254354n, utf8('true'))],
};
const txCoinbase = {
  version: 1n,
  timeRange: 0n,
  inputs: [coinbaseInput(utf8('arbitrary'))],
  outputs: [txOutput(BTM_ASSET_ID, 254354n, utf8('true')), txOutput(BTM_ASSET_ID, 254354n, utf8('false'))],
};

// protocol/bc/types/block_test.go, TestBlock
test('blocks (block_test.go TestBlock)', () => {
  const empty: Block = { header: header({ height: 1n }), transactions: [] };
  const emptyHex = `030101${'00'.repeat(32)}0040${'00'.repeat(64)}000000`;
  assert.equal(hex(encodeBlock(empty)), emptyHex);
  assert.deepEqual(decodeBlock(unhex(emptyHex)), empty);
  assert.equal(hex(blockId(empty.header)), '9609d2e45760f34cbc6c6d948c3fb9b6d7b61552d9d17fdd5b7d0cb5d2e67244');

  const full: Block = {
    header: header({
      height: 432234n,
      previousBlockId: prev,
      timestamp: 1522908275n,
      nonce: 34342n,
      bits: 2305843009222082559n,
      transactionsMerkleRoot: txRoot,
      transactionStatusHash: statusRoot,
    }),
    transactions: [txIssueAndSpend, txCoinbase],
  };
  const fullHex = [
    `0301eab01a${hex(prev)}f3f896d60540${hex(txRoot)}${hex(statusRoot)}a68c02ffffff83808080802002`,
    '07018e0502012a00056e6f6e6365a69849e11add96ac7053aad22ba2349a4abf5feb0475a0afcadff4e128be76cf92c30f380f6173736574446566696e6974696f6e010f69737375616e636550726f6772616d020a617267756d656e7473310a617267756d656e74733201540152fad5195a0c8e3b590b86a3c0a95e7529565888508aecca96e9aeda633002f409ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff92c30f03010c7370656e6450726f6772616d17020a617267756d656e7473330a617267756d656e747334010129a69849e11add96ac7053aad22ba2349a4abf5feb0475a0afcadff4e128be76cf92c30f01047472756500',
    '07010001010b020961726269747261727900020129ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff92c30f01047472756500012affffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff92c30f010566616c736500',
  ].join('');
  assert.equal(hex(encodeBlock(full)), fullHex);
  const decoded = decodeBlock(unhex(fullHex));
  assert.deepEqual(decoded, {
    header: full.header,
    transactions: [
      { ...txIssueAndSpend, serializedSize: 261 },
      { ...txCoinbase, serializedSize: 108 },
    ],
  });
  assert.equal(hex(blockId(full.header)), '86c833711a6a6b59864708d9dbae7869ba10782e3e7b1c7fc9fe3514899fec80');
});

// protocol/bc/types/block_test.go, TestReadFrom: a real block (height 12171).
test('a real block decodes and its roots match its header (block_test.go TestReadFrom)', () => {
  const raw =
    '03018b5f3077f24528e94ecfc4491bb2e9ed6264a632a9a4b86b00c88093ca545d14a137d4f5e1e4054035a2d11158f47a5c5267630b2b6cf9e9a5f79a598085a2572a68defeb8013ad26978a65b4ee5b6f4914fe5c05000459a803ecf59132604e5d334d64249c5e50a17ebee908080808080200207010001010802060031323137310001013effffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff809df3b49a010116001437e1aec83a4e6587ca9609e4e5aa728db700744900070100020160015e4b5cb973f5bef4eadde4c89b92ee73312b940e84164da0594149554cc8a2adeaffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80c480c1240201160014cb9f2391bafe2bc1159b2c4c8a0f17ba1b4dd94e6302405760b15cc09e543437c4e3aad05bf073e82ebdb214beccb5f4473653dfc0a9d5ae59fb149de19eb71c1c1399594757aeea4dd6327ca2790ef919bd20caa86104201381d35e235813ad1e62f9a602c82abee90565639cc4573568206b55bcd2aed90130000840142084606f20ca7b38dc897329a288ea31031724f5c55bcafec80468a546955023380af2faad1480d0dbc3f402b001467b0a202022646563696d616c73223a20382c0a2020226465736372697074696f6e223a207b7d2c0a2020226e616d65223a2022222c0a20202273796d626f6c223a2022220a7d0125ae2054a71277cc162eb3eb21b5bd9fe54402829a53b294deaed91692a2cd8a081f9c5151ad0140621c2c3554da50d2a492d9d78be7c6159359d8f5f0b93a054ce0133617a61d85c532aff449b97a3ec2804ca5fe12b4d54aa6e8c3215c33d04abee9c9abdfdb0302013dffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80c0d1e123011600144b61da45324299e40dacc255e2ea07dfce3a56d200013e7b38dc897329a288ea31031724f5c55bcafec80468a546955023380af2faad1480d0dbc3f4020116001437e1aec83a4e6587ca9609e4e5aa728db700744900';
  const block = decodeBlock(unhex(raw));
  assert.deepEqual(
    block.header,
    header({
      height: 12171n,
      previousBlockId: unhex('3077f24528e94ecfc4491bb2e9ed6264a632a9a4b86b00c88093ca545d14a137'),
      timestamp: 1553496788n,
      nonce: 23n,
      bits: 2305843009213970283n,
      transactionsMerkleRoot: unhex('35a2d11158f47a5c5267630b2b6cf9e9a5f79a598085a2572a68defeb8013ad2'),
      transactionStatusHash: unhex('6978a65b4ee5b6f4914fe5c05000459a803ecf59132604e5d334d64249c5e50a'),
    }),
  );
  const p2wpkh = (h: string) => unhex(`0014${h}`);
  assert.deepEqual(block.transactions, [
    {
      version: 1n,
      timeRange: 0n,
      serializedSize: 81,
      inputs: [coinbaseInput(unhex('003132313731'))],
      outputs: [txOutput(BTM_ASSET_ID, 41450000000n, p2wpkh('37e1aec83a4e6587ca9609e4e5aa728db7007449'))],
    },
    {
      version: 1n,
      timeRange: 0n,
      serializedSize: 560,
      inputs: [
        spendInput(
          [
            unhex(
              '5760b15cc09e543437c4e3aad05bf073e82ebdb214beccb5f4473653dfc0a9d5ae59fb149de19eb71c1c1399594757aeea4dd6327ca2790ef919bd20caa86104',
            ),
            unhex('1381d35e235813ad1e62f9a602c82abee90565639cc4573568206b55bcd2aed9'),
          ],
          unhex('4b5cb973f5bef4eadde4c89b92ee73312b940e84164da0594149554cc8a2adea'),
          BTM_ASSET_ID,
          9800000000n,
          2n,
          p2wpkh('cb9f2391bafe2bc1159b2c4c8a0f17ba1b4dd94e'),
        ),
        issuanceInput(
          unhex('40142084606f20ca'),
          100000000000n,
          unhex('ae2054a71277cc162eb3eb21b5bd9fe54402829a53b294deaed91692a2cd8a081f9c5151ad'),
          [
            unhex(
              '621c2c3554da50d2a492d9d78be7c6159359d8f5f0b93a054ce0133617a61d85c532aff449b97a3ec2804ca5fe12b4d54aa6e8c3215c33d04abee9c9abdfdb03',
            ),
          ],
          unhex(
            '7b0a202022646563696d616c73223a20382c0a2020226465736372697074696f6e223a207b7d2c0a2020226e616d65223a2022222c0a20202273796d626f6c223a2022220a7d',
          ),
        ),
      ],
      outputs: [
        txOutput(BTM_ASSET_ID, 9600000000n, p2wpkh('4b61da45324299e40dacc255e2ea07dfce3a56d2')),
        txOutput(
          unhex('7b38dc897329a288ea31031724f5c55bcafec80468a546955023380af2faad14'),
          100000000000n,
          p2wpkh('37e1aec83a4e6587ca9609e4e5aa728db7007449'),
        ),
      ],
    },
  ]);
  assert.equal(hex(encodeBlock(block)), raw);
  assert.deepEqual(txMerkleRoot(block.transactions.map(txId)), block.header.transactionsMerkleRoot);
  assert.deepEqual(txStatusMerkleRoot([false, false]), block.header.transactionStatusHash);
});

// protocol/bc/types/merkle_test.go, TestMerkleRootRealTx
test('tx Merkle root of real transactions (merkle_test.go TestMerkleRootRealTx)', () => {
  const rawTxs = [
    '070100010160015e5ac79a73db78e5c9215b37cb752f0147d1157c542bb4884908ceb97abc33fe0affffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa0f280d42b0001160014085a02ecdf934a56343aa59a3dec9d9feb86ee43630240035e1ef422b4901997ad3c20c50d82e726d03cb6e8ccb5dddc20e0c09e0a6f2e0055331e2b54d9ec52cffb1c47d8fdf2f8887d55c336753637cbf8f832c7af0b20a29601468f08c57ca9c383d28736a9d5c7737cd483126d8db3d85490fe497b3502013dffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa0aad1b30601160014991b78d1bf731390e2dd838c05ff37ec5146886b00013dffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8086d8f024011600145ade29df622cc68d0473aa1a20fb89690451c66e00',
    '070100020160015e4b5cb973f5bef4eadde4c89b92ee73312b940e84164da0594149554cc8a2adeaffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80c480c1240201160014cb9f2391bafe2bc1159b2c4c8a0f17ba1b4dd94e630240d96b8f31519c5e34ef983bb7dfb92e807df7fc1ae5a4c08846d00d4f84ebd2f8634b9e0b0374eb2508d0f989520f622aef051862c26daba0e466944e3d55d00b201381d35e235813ad1e62f9a602c82abee90565639cc4573568206b55bcd2aed901300008ede605460cacbf107b38dc897329a288ea31031724f5c55bcafec80468a546955023380af2faad1480d0dbc3f402b001467b0a202022646563696d616c73223a20382c0a2020226465736372697074696f6e223a207b7d2c0a2020226e616d65223a2022222c0a20202273796d626f6c223a2022220a7d0125ae2054a71277cc162eb3eb21b5bd9fe54402829a53b294deaed91692a2cd8a081f9c5151ad01403a54a3ca0210d005cc9bce490478b518c405ba72e0bc1d134b739f29a73e008345229f0e061c420aa3c56a48bc1c9bf592914252ab9100e69252deeac532430f03013dffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80e0e8f011011600144ab5249140ca4630729030941f59f75e507bd4d500013e7b38dc897329a288ea31031724f5c55bcafec80468a546955023380af2faad1480d0dbc3f402011600145ade29df622cc68d0473aa1a20fb89690451c66e00013dffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80a2c0a012011600145ade29df622cc68d0473aa1a20fb89690451c66e00',
    '07010001016c016acf24f1471d67c25a01ac84482ecdd8550229180171cae22321f87fe43d4f6a13ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80b4c4c32101012200200824e931fb806bd77fdcd291aad3bd0a4493443a4120062bd659e64a3e0bac66ef02044059c7a12d006fd34bf8b9b2cb2f99756e5c3c3fdca4c928b830c014819e933b01c92a99bfeb6add73a5087870a3de3465cfed2c99f736b5f77d5fbdc69d91ff0040b95d110d118b873a8232104a6613f0e8c6a791efa3a695c02108cebd5239c8a8471551a48f18ab8ea05d10900b485af5e95b74cd3c01044c1742e71854099c0b40a1b63dae273e3b5b757b7c61286088a934e7282e837d08d62e60d7f75eb739529cd8c6cfef2254d47a546bf8b789657ce0944fec2f7e130c8498e28cae2a9108a901ae20d441b6f375659325a04eede4fc3b74579bb08ccd05b41b99776501e22d6dca7320af6d98ca2c3cd10bf0affbfa6e86609b750523cfadb662ec963c164f05798a49209820b9f1553b03aaebe7e3f9e9222ed7db73b5079b18564042fd3b2cef74156a20271b52de5f554aa4a6f1358f1c2193617bfb3fed4546d13c4af773096a429f9420eeb4a78d8b5cb8283c221ca2d3fd96b8946b3cddee02b7ceffb8f605932588595355ad020149ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80a0d9e61d012200206e8060ef3daca62841802dd9660b24b7dca81c1662b2d68ba8884ecbcd3e1e2200013dffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80d293ad0301160014ed7d3c466dbc6cc1f3a9af21267ac162f11b30a200',
    '070100020161015f4b5cb973f5bef4eadde4c89b92ee73312b940e84164da0594149554cc8a2adea0dafd0f0e42f06f3bf9a8cf5787519d3860650f27a2b3393d34e1fe06e89b469ddc3f8c2f40200011600141da7f908979e521bf2ba12d280b2c84fc1d024416302409524d0d817176eeb718ce45671d95831cdb138d27289aa8a920104e38a8cab8a7dc8cc3fb60d65aa337b719aed0f696fb12610bfe68add89169a47ac1241e0002033444e1b57524161af3899e50fdfe270a90a1ea97fe38e86019a1e252667fb2d0161015fed3181c99ca80db720231aee6948e1183bfe29c64208c1769afa7f938d3b2cf0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff809cd2b0f4020101160014cfbccfac5018ad4b4bfbcb1fab834e3c8503746063024065beb1da2f0840188af0e3c0127b158f7a2a36f1612499694a731df1e3a9d1abe6694c42986b8700aa9856f59cb3692ee88d68b20d1278f05592fb253c58bd0520e5966eee4092eeefdd805b06f2ad368bb9392edec20998993ebe2a929052c1ce03013e0dafd0f0e42f06f3bf9a8cf5787519d3860650f27a2b3393d34e1fe06e89b469ddfbc8a2cf0201160014583c0323603dd397ba5414255adc80b076cf232b00013d0dafd0f0e42f06f3bf9a8cf5787519d3860650f27a2b3393d34e1fe06e89b46980c8afa02501160014fdb3e6abf7f430fdabb53484ca2469103b2af1b500013effffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80dafa80f4020116001408e75789f47d2a39622e5a940fa918260bf44c5400',
    '07010001016d016b1f134a47da4f6df00822935e02a07514718ea99ce5ac4e07bd6c204e098eb525ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff808a858fa70200012200206205ec178dc1ac6ea05ea01bb0fcda6aa978173026fa75204a101bdad7bd6b4889010240d8d5bbf4969fba52df8fba06f75c5de0f51b2bd5f902bf234591f90e78bae20bfb5b7904cb83a1d6577c431f644d37722b432df9d64718b8300e3ab74a871a0046ae2068003e53d467b6d81beaf1e7bd9b60a5ffedc79b36ce14ecd1f30a2dcbcd0551200449030407a3a1fa0731f7f784a72c325b5ce4d534fc3cf8fb7140536ba928605152ad02014affffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80f699b2a302012200209a0b4b27fde7d29d3b465d20eb2e19f4bda3a873d19d11f4cba53958bde92ed000013dffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80b3ffc40301160014ed7d3c466dbc6cc1f3a9af21267ac162f11b30a200',
  ];
  const ids = rawTxs.map((raw) => txId(decodeTx(unhex(raw))));
  assert.equal(hex(txMerkleRoot(ids)), '0f07b8a453771c2dc628f3895ebb33fea82a8de42e11aa588bec26419af22065');
});

// Upstream merkle_test.go TestMerkleRoot builds spends with VM version 0, which cannot exist on the
// wire (the decoder refuses it) and so cannot be expressed in this model; its point, that witness
// arguments do not change a tx id, is checked here with VM version 1.
test('witness arguments are not covered by the tx id (after merkle_test.go TestMerkleRoot)', () => {
  const tx = (args: Uint8Array[]) => ({
    version: 0n,
    timeRange: 0n,
    inputs: [spendInput(args, ZERO, ZERO, 0n, 0n, new Uint8Array(0))],
    outputs: [],
  });
  assert.deepEqual(
    txMerkleRoot([txId(tx([new Uint8Array([1]), utf8('000000')])), txId(tx([new Uint8Array([1]), utf8('111111')]))]),
    txMerkleRoot([
      txId(tx([new Uint8Array([1]), utf8('000000')])),
      txId(tx([new Uint8Array([2]), utf8('111111'), utf8('222222')])),
    ]),
  );
});

test('block commitment suffix round-trips and is not covered by the block id', () => {
  const h = header({ height: 7n });
  const withSuffix = { ...h, commitmentSuffix: new Uint8Array([9, 9]) };
  const bytes = encodeBlockHeader(withSuffix);
  assert.deepEqual(decodeBlockHeader(bytes), withSuffix);
  assert.deepEqual(blockId(withSuffix), blockId(h));
});
