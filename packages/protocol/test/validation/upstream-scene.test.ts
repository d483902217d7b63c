// Port of Bytom v1.1.1 `protocol/validation/tx_scene_test.go` (TestValidateTx): real signed
// mainnet-style transactions (P2WPKH, P2WSH multisig, issuance, retirement, a CHECKPREDICATE
// contract). Programs run with deferred signatures; the returned sets are then verified, which is
// where the case with a corrupted signature (upstream ErrFalseVMResult) fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BTM_ASSET_ID, createTxEntries } from '../../src/chain/index.ts';
import type { Tx, TxInput } from '../../src/chain/types.ts';
import { createSignatureVerifier } from '../../src/keys/index.ts';
import { ValidationErrorCode as Code, validateTxStateless, verifySignatureSets } from '../../src/validation/index.ts';
import { issuanceInput, output, params, spendInput, tx, unhex, withCode, words } from './fixtures.ts';

const OP_FAIL = Uint8Array.of(0x6a);
type Hash = readonly [bigint, bigint, bigint, bigint];

function spend(
  args: string[],
  source: Hash,
  assetId: Uint8Array,
  amount: bigint,
  position: bigint,
  program: string,
): TxInput {
  return spendInput(
    { sourceId: words(...source), assetId, amount, sourcePosition: position, controlProgram: unhex(program) },
    args.map(unhex),
  );
}
const out = (amount: bigint, program: string | Uint8Array, assetId = BTM_ASSET_ID) =>
  output(assetId, amount, typeof program === 'string' ? unhex(program) : program);

const SRC_A: Hash = [14760873410800997144n, 1698395500822741684n, 5965908492734661392n, 9445539829830863994n];
const KEY_A = 'ca85ea98011ddd592d1f081ebd2a91ac0f4238784222ed85b9d95aeb654f1cf1';
const PROG_A = '0014e6e1f8b11f1cfb7609037003b90f64837afd272c';
const ISSUANCE_PROGRAM = 'ae2054a71277cc162eb3eb21b5bd9fe54402829a53b294deaed91692a2cd8a081f9c5151ad';
const ASSET_DEFINITION =
  '7b0a202022646563696d616c73223a20382c0a2020226465736372697074696f6e223a207b7d2c0a2020226e616d65223a2022222c0a20202273796d626f6c223a2022220a7d';
const ISSUED = words(8879089148261671560n, 16875272676673176923n, 14627348561007036053n, 5774520766896450836n);
const NON_BTM = words(986236576456443635n, 13806502593573493203n, 9657495453304566675n, 15226142438973879401n);

const singleSign = (signature: string): Tx =>
  tx(
    [
      spend(
        [signature, '5a260070d967d894a9c4a6e16670c2881ed4c225e12d93b0707156e71fce5bfd'],
        [3485387979411255237n, 15603105575416882039n, 5974145557334619041n, 16513948410238218452n],
        BTM_ASSET_ID,
        21819700000n,
        0n,
        '001411ef7695d46e1f9288d996c3daa6ff4d956ac355',
      ),
    ],
    [
      out(11818900000n, '001415c956112c2b46354690e36051803cc9d5a8f26b'),
      out(10000000000n, '00149c9dd93184cc34ac5d47c145c5af3df852235aad'),
    ],
    { serializedSize: 331 },
  );

const issuanceTx = (spendSig: string, nonce: string, issuanceSig: string, retired: bigint, change: string): Tx =>
  tx(
    [
      spend([spendSig, KEY_A], SRC_A, BTM_ASSET_ID, 11818900000n, 0n, PROG_A),
      issuanceInput(unhex(nonce), 10000000000n, unhex(ISSUANCE_PROGRAM), [unhex(issuanceSig)], unhex(ASSET_DEFINITION)),
    ],
    [
      out(1818900000n, change),
      out(retired, OP_FAIL),
      out(10000000000n, '0014447e597c1c326ad1a639f8023d3f87ae22a4e049', ISSUED),
    ],
    { serializedSize: 601 },
  );

type Case = { desc: string; tx: Tx; code?: string; signatureCode?: string };

const cases: Case[] = [
  {
    desc: 'single utxo, single sign, non asset, btm standard transaction',
    tx: singleSign(
      '298fbf48459480914e19a0fc20440b095bd7f38d9f01c56bfc904b4ed4967a7b73f1fc4919f23a7806eeb834a89f8ce696500f4528e8f7bf29c8ee1f38a91e01',
    ),
  },
  {
    desc: 'multi utxo, single sign, non asset, btm standard transaction',
    tx: tx(
      [
        spend(
          [
            'd488321eff213793fb685749a65b945b4d32f08774c27461e0dda265580e9d4582f4b210756b7f8a5b4a64bde531076e92244e12c145c9b54012134cebf9e402',
            KEY_A,
          ],
          SRC_A,
          BTM_ASSET_ID,
          11818900000n,
          0n,
          PROG_A,
        ),
        spend(
          [
            '5d528bdb13b93c26245dc90c1fe51265555eb22a34fa013649db9aa874eb7770c6c4016320017224efdecf5fee39b682151f881f82c2c7195fe444ac5966140e',
            '563cb0eedf2a2891926dfaa0b9ac20913c67a066517f06b1f77c5ab527a8a8c4',
          ],
          [13464118406972499748n, 5083224803004805715n, 16263625389659454272n, 9428032044180324575n],
          BTM_ASSET_ID,
          99439999900n,
          2n,
          '001419f79910f29df2ef80ec10d24c78e2009ed19302',
        ),
      ],
      [
        out(1818900000n, '00145931e1b7b65897f47845ac08fc136e0c0a4ff166'),
        out(89439999900n, '0014ca1f877c2787f746a4473adac932171dd18d55d7'),
        out(19900000000n, '00145ade29df622cc68d0473aa1a20fb89690451c66e'),
      ],
      { serializedSize: 595 },
    ),
  },
  {
    desc: 'multi utxo, single sign, non asset, btm standard transaction, insufficient gas',
    tx: tx(
      [
        spend(
          [
            '4a8bf559f3c334ad23ed0aadab22dd3a4a8260488b1632dee16f75cac5c0ade674f2938776459414ab4d4e43622290507ff750a3fb563a25ee9a72386bfbe207',
            KEY_A,
          ],
          SRC_A,
          BTM_ASSET_ID,
          11818900000n,
          0n,
          PROG_A,
        ),
        spend(
          [
            'b4f6876a97c8e6bd7e038b476fb6fd07cdd6cfcf7d661dfab796b5e2c777b3de166495de4fba2aa154af844ed6a3d51c26742241edb0d5d107fc52dfff0f6305',
            'e5966eee4092eeefdd805b06f2ad368bb9392edec20998993ebe2a929052c1ce',
          ],
          [17091584763764411831n, 2315724244669489432n, 4322938623810388342n, 11167378497724951792n],
          BTM_ASSET_ID,
          99960000000n,
          1n,
          '0014cfbccfac5018ad4b4bfbcb1fab834e3c85037460',
        ),
      ],
      [
        out(1818900000n, '00144b5637cc25b188136f440484f210541fa2a7ce64'),
        out(89960000000n, '0014c7271a69dba57331b36221118dfeb1b1793933df'),
        out(20000000000n, '0014447e597c1c326ad1a639f8023d3f87ae22a4e049'),
      ],
      { serializedSize: 595 },
    ),
    code: Code.INSUFFICIENT_GAS, // upstream vm.ErrRunLimitExceeded
  },
  {
    desc: 'single utxo, multi sign (P2WSH 1-of-2), non asset, btm standard transaction',
    tx: tx(
      [
        spend(
          [
            'abc55905b5c477f424ea5ce88bbd00376f18f525850b7b74f54e94e7999edbe5ded9e9f5d8f1319470e9a38540bbaa6bbe67aacc8227c898ae30b9ac15f8dc0b',
            'ae203f56f71972918585ece56a21f77c3e9101ce14c75038b65454e10960266cceba20c9927f289b57c647578d07904a9d34597079d80e300df023a26658a770f611545152ad',
          ],
          [6970879411704044573n, 10086395903308657573n, 10107608596190358115n, 8645856247221333302n],
          BTM_ASSET_ID,
          89220000000n,
          1n,
          '0020ff726649e34c921ff61a97090fc62054f339597acfc710197bb0133e18a19c5c',
        ),
      ],
      [
        out(79220000000n, '00206205ec178dc1ac6ea05ea01bb0fcda6aa978173026fa75204a101bdad7bd6b48'),
        out(9900000000n, '0014414eb62abda9a9191f9cba5d7e38d92f3e91e268'),
      ],
      { serializedSize: 396 },
    ),
  },
  {
    desc: 'single utxo, retire, non asset, btm standard transaction',
    tx: tx(
      [
        spend(
          [
            'f0009a0fa67238f6dfbb208282f509fb460531f43f74809e0226af2ff064607fad8a2506779e717a5f7848bbc3abdfa724148a9df46426027f201a4dfec27809',
            KEY_A,
          ],
          SRC_A,
          BTM_ASSET_ID,
          11818900000n,
          0n,
          PROG_A,
        ),
      ],
      [out(11718900000n, '0014085a02ecdf934a56343aa59a3dec9d9feb86ee43'), out(90000000n, OP_FAIL)],
      { serializedSize: 309 },
    ),
  },
  {
    desc: 'single utxo, single sign, issuance, spend, retire, btm standard transaction, gas sufficient',
    tx: issuanceTx(
      '8aab6052cb935384ac8fcbd4c0857cbce2e19825a002635d0b242757f17e5fdd148d83eb3837baf91754bf539cd08e29f66975f4bc9843ac00e280f228026105',
      'fd0aec4229deb281',
      'e8f301f7bd3b1e4ca853b15559b3a253a4f5f9c7efba233ab0f6896bec23adc6a816c350e08f6b8ac5bc23eb5720173f9190805328af581f34a7fe561358d100',
      9900000000n,
      '00147d6b00edfbbc758a5da6130a5fa1a4cfec8422c3',
    ),
  },
  {
    desc: 'single utxo, single sign, issuance, spend, retire, btm standard transaction, gas insufficient',
    tx: issuanceTx(
      '23ca3a6f8474b1b9ab8b77fcf3cf3fd9dfa761dff4e5d8551a72307dc065cd19100f3ca9fcca4df2f8842b71dba2fd29b73c1b06b3d8bddc2a71e8cc18842a04',
      '4b6afc9344c3ce63',
      'e8f301f7bd3b1e4ca85f1f8acda3a91fb73e717c096b8b82b2c7ed9d25170c0f9fcd9b5e8039094bd1174886f1b5428272eb6c2af03946bf3c2037a4b499c77107b94b96a92088a0d0d3b15559b3a253a4f5f9c7efba233ab0f6896bec23adc6a816c350e08f6b8ac5bc23eb5720173f9190805328af581f34a7fe561358d100',
      10000000000n,
      '001482b7991d64d001009b673ffe3ca2b35eab14f142',
    ),
    code: Code.INSUFFICIENT_GAS, // upstream vm.ErrRunLimitExceeded
  },
  {
    desc: 'btm standard transaction check signature is not passed',
    tx: singleSign(
      '298fbf48459480914e19a0fc20440b095bd7f38d9f01c56bfc904b4ed4967a7b73f1fc4919f23a7806eeb834a89f8ce696500f4528e8f7bf29c8ee1f38a91e02',
    ),
    signatureCode: Code.BAD_SIGNATURE, // upstream vm.ErrFalseVMResult, found in the VM run
  },
  {
    desc: 'non btm standard transaction (a CHECKPREDICATE contract input)',
    tx: tx(
      [
        spend(
          [
            '585f298f2396c3b1be616b6eb48b21c7ec2b25fa4daf7256e970e0a55658c04cbcb406ed41e6b184732187daf0627ea805b24098785c80979edf4d4fc2b8100c',
          ],
          [13727785470566991667n, 17422390991613608658n, 10016033157382430074n, 8274310611876171875n],
          NON_BTM,
          1000n,
          1n,
          '206dbca07ff0a6025612c835423daadd4460c3a2ed9a65622ba8025dfd3388238c7403ae7cac00c0',
        ),
        spend(
          [
            '4ef8f5a377c166b9fb4efa221894f06194b6b7bc277e613ad75b442929a417bb278ee347586e8f06b20c9b759263c981f03d00253f49753fde88dc8b39ccb10e',
            '1381d35e235813ad1e62f9a602c82abee90565639cc4573568206b55bcd2aed9',
          ],
          [5430419158397285610n, 15989125147582690097n, 3140150800656736345n, 4704385074037173738n],
          BTM_ASSET_ID,
          9800000000n,
          2n,
          '0014cb9f2391bafe2bc1159b2c4c8a0f17ba1b4dd94e',
        ),
      ],
      [
        out(1000n, '001437e1aec83a4e6587ca9609e4e5aa728db7007449', NON_BTM),
        out(9750000000n, '0014ec75fda5c727cb0d41137ab62afbf9070a405744'),
      ],
      { serializedSize: 508 },
    ),
  },
];

describe('TestValidateTx (tx_scene_test.go)', () => {
  for (const c of cases) {
    it(c.desc, async () => {
      const validate = () => validateTxStateless(c.tx, createTxEntries(c.tx), { params, blockHeight: 666n });
      if (c.code !== undefined) {
        assert.throws(validate, withCode(c.code));
        return;
      }
      const { signatureSets } = validate();
      assert.ok(signatureSets.length > 0, 'every case signs');
      const verifier = createSignatureVerifier();
      const check = verifySignatureSets(verifier, signatureSets);
      if (c.signatureCode === undefined) await check;
      else await assert.rejects(check, withCode(c.signatureCode));
    });
  }
});
