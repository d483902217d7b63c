// Entry ids, asset ids, output ids and signature hashes against Bytom v1.1.1 vectors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BTM_ASSET_ID } from '../../src/chain/constants.ts';
import {
  computeAssetId,
  computeSigHash,
  computeSpentOutputId,
  issuanceEntryId,
  muxEntryId,
  outputEntryId,
  retirementEntryId,
  spendEntryId,
  txHeaderEntryId,
} from '../../src/chain/index.ts';
import { sha3 } from '../../src/hash/sha3.ts';
import { hex, unhex, words } from './builders.ts';

// protocol/bc/entry_test.go, TestEntryID
test('entry ids (entry_test.go TestEntryID)', () => {
  const h0123 = words(0n, 1n, 2n, 3n);
  const a1234 = words(1n, 2n, 3n, 4n);
  const h4567 = words(4n, 5n, 6n, 7n);
  const a1111 = words(1n, 1n, 1n, 1n);
  const source = { ref: h4567, value: { assetId: a1111, amount: 10n }, position: 10n };

  assert.equal(
    hex(issuanceEntryId(h0123, { assetId: a1234, amount: 100n })),
    '3012b9b6da3962bb2388cdf5db7f3b93a2b696fcc70e79bc5da1238a6d66ae73',
  );
  assert.equal(
    hex(
      muxEntryId([{ ref: h0123, value: { assetId: a1234, amount: 100n }, position: 1n }], {
        vmVersion: 1n,
        code: new Uint8Array([1, 2, 3, 4]),
      }),
    ),
    '16c4265a8a90916434c2a904a90132c198c7ebf8512aa1ba4485455b0beff388',
  );
  assert.equal(
    hex(outputEntryId(source, { vmVersion: 1n, code: new Uint8Array([5, 5, 5, 5]) })),
    '1145c54cd79721c31c81ecfb7cae217f8ef1bea0016df51c1f5060bba43252cc',
  );
  assert.equal(hex(retirementEntryId(source)), '538c367f7b6e1e9bf205ed0a29def84a1467c477b19812a6934e831c78c4da62');
  assert.equal(hex(spendEntryId(h0123)), '2761dbb13967af8944620c134e0f336bbbb26f61eb4ecd154bc034ad6155b9e8');
  // NewTxHeader(1, 100, 1000, ...): the serialized size (100) is not hashed.
  assert.equal(
    hex(txHeaderEntryId(1n, 1000n, [h4567])),
    'ba592aa0841bd4649d9a04309e2e8497ac6f295a847cadd9de6b6f9c2d806663',
  );
});

// protocol/bc/asset_test.go, TestComputeAssetID and TestComputeAssetIDReally
test('asset ids (asset_test.go)', () => {
  const emptyHash = sha3(new Uint8Array(0));
  const unhashed = new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 1, 1, ...emptyHash]);
  assert.deepEqual(computeAssetId(new Uint8Array([1]), 1n, emptyHash), sha3(unhashed));

  const cases = [
    [
      'ae2039294f652632eee970765550c245f0b0314256b4b93aadc86279fdb45db3b70e5151ad',
      '7b0a202022646563696d616c73223a20382c0a2020226465736372697074696f6e223a207b7d2c0a2020226e616d65223a2022222c0a20202273796d626f6c223a2022220a7d',
      '07c7ced3f37f48ea39da6971c89f90e9cff3202d54b0a911f12ace8501f3834e',
    ],
    [
      'ae20620b1755451738b04f42822f4b37186563f824c9c30d485987298918f96395fe5151ad',
      '7b0a202022646563696d616c73223a20382c0a2020226465736372697074696f6e223a207b7d2c0a2020226e616d65223a2022222c0a20202273796d6f626f6c223a2022220a7d',
      '0dafd0f0e42f06f3bf9a8cf5787519d3860650f27a2b3393d34e1fe06e89b469',
    ],
    [
      'ae20db11f9dfa39c9e66421c530fe027218edd3d5b1cd98f24c826f4d9c0cd131a475151ad',
      '7b0a202022646563696d616c73223a20382c0a2020226465736372697074696f6e223a207b7d2c0a2020226e616d65223a2022222c0a20202273796d626f6c223a2022220a7d',
      'a5bc30d8d0ad051e6e352ebc21d79ba798cd8c436e89f4149969c2c562371791',
    ],
  ] as const;
  for (const [program, definition, want] of cases) {
    assert.equal(hex(computeAssetId(unhex(program), 1n, sha3(unhex(definition)))), want);
  }
});

// protocol/bc/tx_test.go, TestSigHash (ids given as bc.Hash words)
test('signature hashes (tx_test.go TestSigHash)', () => {
  const cases = [
    {
      txId: words(13464118406972499748n, 5083224803004805715n, 16263625389659454272n, 9428032044180324575n),
      inputId: words(14760873410800997144n, 1698395500822741684n, 5965908492734661392n, 9445539829830863994n),
      want: '17dfad182df66212f6f694d774285e5989c5d9d1add6d5ce51a5930dbef360d8',
    },
    {
      txId: words(17091584763764411831n, 2315724244669489432n, 4322938623810388342n, 11167378497724951792n),
      inputId: words(6970879411704044573n, 10086395903308657573n, 10107608596190358115n, 8645856247221333302n),
      want: 'f650ba3a58f90d3a2215f6c50a692a86c621b7968bb2a059a4c8e0c819770430',
    },
  ];
  for (const c of cases) assert.equal(hex(computeSigHash(c.inputId, c.txId)), c.want);
});

// protocol/bc/types/txoutput_test.go, TestComputeOutputID
test('spent output ids (txoutput_test.go TestComputeOutputID)', () => {
  const cases = [
    {
      sourceId: '4b5cb973f5bef4eadde4c89b92ee73312b940e84164da0594149554cc8a2adea',
      amount: 1000n,
      program: '0014cb9f2391bafe2bc1159b2c4c8a0f17ba1b4dd94e',
      want: 'c9902bad769008917d14710d60391a43fe6cbd255c839045425c65f749c39d81',
    },
    {
      sourceId: '9e74e35362ffc73c8967aa0008da8fcbc62a21d35673fb970445b5c2972f8603',
      amount: 999n,
      program: '001418549d84daf53344d32563830c7cf979dc19d5c0',
      want: '4d038eed93338f4dfc8603101bc70f4b8e662e69828c6dadf4207b5dfaf66275',
    },
  ];
  for (const c of cases) {
    const id = computeSpentOutputId({
      sourceId: unhex(c.sourceId),
      assetId: BTM_ASSET_ID,
      amount: c.amount,
      sourcePosition: 2n,
      controlProgram: unhex(c.program),
    });
    assert.equal(hex(id), c.want);
  }
});
