// Port of Bytom v1.1.1 `protocol/validation/test/tx_ugly_test.go` (TestValidateUglyTx): malformed
// transactions, every one rejected. Inputs without a program get the account program of upstream's
// signing instance (BIP-44 path m/44/153/1/0/1 of its root xprv: P2WPKH for one key, P2WSH of a
// 3-of-5 multisig for five); issuances without one get its asset program (BIP-32 asset path);
// inputs without arguments are signed as upstream's mockSignTx does. Where upstream only says
// "error", our code for it is given. Signature failures surface when the signature sets are verified.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BTM_ASSET_ID, createTxEntries, issuanceAssetId } from '../../src/chain/index.ts';
import type { Tx, TxInput } from '../../src/chain/types.ts';
import {
  ChainkdKeySpace,
  chainkdBip32Path,
  chainkdBip44Path,
  createSignatureVerifier,
  scriptToWitnessHash,
  type XPrv,
  xprvDerive,
  xprvSign,
  xprvToXPub,
  xpubToPublicKey,
} from '../../src/keys/index.ts';
import { ValidationErrorCode as Code, validateTxStateless, verifySignatureSets } from '../../src/validation/index.ts';
import { createMultisigScript, createP2WSHProgram } from '../../src/vm/index.ts';
import { issuanceInput, keyFromXPrv, output, params, spendInput, tx, unhex, withCode, words } from './fixtures.ts';

const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

type Instance = { readonly roots: readonly XPrv[]; readonly quorum: number };
const single: Instance = {
  roots: [
    '38d2c44314c401b3ea7c23c54e12c36a527aee46a7f26b82443a46bf40583e439dea25de09b0018b35a741d8cd9f6ec06bc11db49762617485f5309ab72a12d4',
  ].map(unhex),
  quorum: 1,
};
const multi: Instance = {
  roots: [
    'a080aca2d9d7948d005c92d0729c618e56fb5551a52dfa04dc4caaf3c8b8a94c89a9795f5bbfd2b885ce7a9d3e3efa5386436c3681b21f9263a0b0a544346b48',
    '105295324626e33bb7d8e8a57c6a0aa495346d7fc342a4891ece00424494cf48f75cefa0f8c61674a12238cfa711b4bc26cb22f38b6e2206c691b83943a58312',
    'c02bb73d1aee56f8935fb7704f71f668eb37ec223baf5723b38a186669b465427d1bdbc2c4397c1259d12b6229aaf6154aaccdeb8addce3a780a1cbc1025ad25',
    'a0c2225685e4c4439f12c264d1573db063ddbc929d4b8a3e1641e8abb4df504a56b1200b9925138d79febe6e1156fcfaf0d1878f25cbccc5db4c8fea55bde198',
    '20d06d4fd261ab554e01104f019392f89566acace727e6bb6de4544aa3a6b248480232155332e6e5de10a62e4a9a4c1d9e3b7f9cb4fd196142ef1d080b8bbaec',
  ].map(unhex),
  quorum: 3,
};

const accountKeys = (inst: Instance) => inst.roots.map((r) => xprvDerive(r, chainkdBip44Path(1, false, 1)));
const assetKeys = (inst: Instance) => inst.roots.map((r) => xprvDerive(r, chainkdBip32Path(ChainkdKeySpace.asset, 1n)));
const publicKeys = (keys: readonly XPrv[]) => keys.map((k) => xpubToPublicKey(xprvToXPub(k)));

/** upstream account.CreateCtrlProgram: P2WPKH for one key, P2WSH of the M-of-N script otherwise. */
function accountProgram(inst: Instance): Uint8Array {
  const keys = accountKeys(inst);
  if (keys.length === 1) return keyFromXPrv(keys[0]!).program;
  return createP2WSHProgram(scriptToWitnessHash(createMultisigScript(publicKeys(keys), inst.quorum)));
}

/** upstream vmutil.P2SPMultiSigProgramWithHeight of the asset keys, height 0. */
const assetProgram = (inst: Instance) => createMultisigScript(publicKeys(assetKeys(inst)), inst.quorum);

const SRC_1 = words(14760873410800997144n, 1698395500822741684n, 5965908492734661392n, 9445539829830863994n);
const SRC_2 = words(6970879411704044573n, 10086395903308657573n, 10107608596190358115n, 8645856247221333302n);
const SRC_3 = words(3485387979411255237n, 15603105575416882039n, 5974145557334619041n, 16513948410238218452n);
const ASSET_A = unhex('97575084e5161406a0977da729fbf51ad230e0ff0aec607a97e4336611c8707f');
const ASSET_B = unhex('97575084e5161406a0977da729fbf51ad230e0ff0aec607a97e4336611c8707e');
const TO = unhex('00145931e1b7b65897f47845ac08fc136e0c0a4ff166');
const RETIRE = unhex('6a');
const NONCE = unhex('fd0aec4229deb281');
const DEFINITION = unhex(
  '7b0a202022646563696d616c73223a20382c0a2020226465736372697074696f6e223a207b7d2c0a2020226e616d65223a2022222c0a20202273796d626f6c223a2022220a7d',
);
// Upstream's comments say its issuances are of ASSET_A (9757…707f); no case depends on it (all
// fail either way) and the asset of its issuance program and definition is another one, so the
// cases about issuing "asset A" use the asset actually issued.
const ISSUED = issuanceAssetId(issuanceInput(NONCE, 1n, assetProgram(single), [], DEFINITION));

type Spec =
  | { spend: [Uint8Array, Uint8Array, bigint, bigint, string?]; by?: Instance }
  | { issue: [bigint, string?, string[]?, Uint8Array?]; by?: Instance };
const spendOf = (source: Uint8Array, asset: Uint8Array, amount: bigint, position: bigint, program?: string): Spec => ({
  spend: [source, asset, amount, position, program],
});
const issueOf = (
  amount: bigint,
  program?: string,
  args?: string[],
  definition: Uint8Array | undefined = DEFINITION,
): Spec => ({
  issue: [amount, program, args, definition],
});

/** mockCtrlProgram, then mockSignTx, with serialized size 1 as upstream sets it. */
function uglyTx(specs: readonly Spec[], outputs: readonly [Uint8Array, bigint, Uint8Array][]): Tx {
  const signers = specs.map((s) => s.by ?? single);
  const inputs: TxInput[] = specs.map((s, i) => {
    if ('spend' in s) {
      const [sourceId, assetId, amount, sourcePosition, program] = s.spend;
      const controlProgram = program !== undefined ? unhex(program) : accountProgram(signers[i]!);
      return spendInput({ sourceId, assetId, amount, sourcePosition, controlProgram });
    }
    const [amount, program, args, definition] = s.issue;
    const issuanceProgram = program !== undefined ? unhex(program) : assetProgram(signers[i]!);
    return issuanceInput(NONCE, amount, issuanceProgram, (args ?? []).map(unhex), definition ?? new Uint8Array(0));
  });
  const unsigned = tx(
    inputs,
    outputs.map(([asset, amount, program]) => output(asset, amount, program)),
    { serializedSize: 1 },
  );
  const { sigHashes } = createTxEntries(unsigned);
  const signed = inputs.map((input, i): TxInput => {
    const inst = signers[i]!;
    if (input.type === 'spend') {
      const keys = accountKeys(inst);
      const sigs = keys.map((k) => xprvSign(k, sigHashes[i]!));
      const last = keys.length === 1 ? publicKeys(keys)[0]! : createMultisigScript(publicKeys(keys), inst.quorum);
      return { ...input, arguments: [...sigs, last] };
    }
    if (input.type === 'issuance' && input.arguments.length === 0) {
      return { ...input, arguments: assetKeys(inst).map((k) => xprvSign(k, sigHashes[i]!)) };
    }
    return input;
  });
  return { ...unsigned, inputs: signed };
}

const btm = (n: number) => spendOf(n === 1 ? SRC_1 : SRC_2, BTM_ASSET_ID, 10000000000n, n === 1 ? 0n : 1n);
const spendA = (amount = 10000000000n) => spendOf(SRC_2, ASSET_A, amount, 1n);
const change: [Uint8Array, bigint, Uint8Array] = [BTM_ASSET_ID, 9000000000n, TO];

type Case = { desc: string; tx: Tx; code: string; atSignatures?: boolean };
const cases: Case[] = [
  // fee insufficient
  {
    desc: 'sum of btm output greater than btm input',
    tx: uglyTx([btm(1)], [[BTM_ASSET_ID, 10000000001n, TO]]),
    code: Code.UNBALANCED_ASSET,
  },
  {
    desc: 'sum of btm output equals to input btm',
    tx: uglyTx([btm(1)], [[BTM_ASSET_ID, 10000000000n, TO]]),
    code: Code.INSUFFICIENT_GAS,
  },
  {
    desc: 'sum of btm input greater than btm output, but still insufficient',
    tx: uglyTx([spendOf(SRC_1, BTM_ASSET_ID, 10000000001n, 0n)], [[BTM_ASSET_ID, 10000000000n, TO]]),
    code: Code.INSUFFICIENT_GAS,
  },
  {
    desc: 'no btm input',
    tx: uglyTx([spendOf(SRC_1, ASSET_A, 10000000000n, 0n)], [[ASSET_A, 10000000000n, TO]]),
    code: Code.INSUFFICIENT_GAS,
  },
  // input output unbalance
  {
    desc: 'only has btm input, no output',
    tx: uglyTx([spendOf(SRC_1, BTM_ASSET_ID, 10000000001n, 0n)], []),
    code: Code.EMPTY_OUTPUTS,
  },
  {
    desc: 'issuance asset, no corresponding output',
    tx: uglyTx([btm(1), issueOf(10000000000n)], [change]),
    code: Code.UNBALANCED_ASSET,
  },
  {
    desc: 'issuance asset A, output asset B',
    tx: uglyTx([btm(1), issueOf(10000000000n)], [change, [ASSET_B, 10000000000n, TO]]),
    code: Code.UNBALANCED_ASSET,
  },
  ...(
    [
      ['sum of output asset A greater than issuance asset A', 20000000000n, TO],
      ['sum of output asset A less than issuance asset A', 5000000000n, TO],
      ['sum of retire asset A greater than issuance asset A', 20000000000n, RETIRE],
      ['sum of retire asset A less than issuance asset A', 5000000000n, RETIRE],
    ] as const
  ).map(([desc, amount, program]) => ({
    desc,
    tx: uglyTx([btm(1), issueOf(10000000000n)], [change, [ISSUED, amount, program]]),
    code: Code.UNBALANCED_ASSET,
  })),
  {
    desc: 'spend asset A, no corresponding output',
    tx: uglyTx([btm(1), spendA()], [change]),
    code: Code.UNBALANCED_ASSET,
  },
  {
    desc: 'spend asset A, output asset B',
    tx: uglyTx([btm(1), spendA()], [change, [ASSET_B, 10000000000n, TO]]),
    code: Code.UNBALANCED_ASSET,
  },
  ...(
    [
      ['sum of output asset A greater than spend asset A', 20000000000n, TO],
      ['sum of output asset A less than spend asset A', 5000000000n, TO],
      ['sum of retire asset A greater than spend asset A', 20000000000n, RETIRE],
      ['sum of retire asset A less than spend asset A', 5000000000n, RETIRE],
    ] as const
  ).map(([desc, amount, program]) => ({
    desc,
    tx: uglyTx([btm(1), spendA()], [change, [ASSET_A, amount, program]]),
    code: Code.UNBALANCED_ASSET,
  })),
  {
    desc: 'use retired utxo',
    tx: uglyTx([spendOf(SRC_1, BTM_ASSET_ID, 10000000000n, 0n, '6a')], [change]),
    code: Code.PROGRAM_FAILED,
  },
  {
    desc: 'input utxo is zero',
    tx: uglyTx([spendOf(SRC_1, BTM_ASSET_ID, 0n, 0n)], [[BTM_ASSET_ID, 0n, TO]]),
    code: Code.INSUFFICIENT_GAS,
  },
  { desc: 'no btm input (no input at all)', tx: uglyTx([], [[BTM_ASSET_ID, 10n, TO]]), code: Code.EMPTY_INPUTS },
  // overflow
  {
    desc: 'spend btm input overflow',
    tx: uglyTx([spendOf(SRC_1, BTM_ASSET_ID, UINT64_MAX, 0n), btm(2)], [[BTM_ASSET_ID, 10000000000n, TO]]),
    code: Code.AMOUNT_OVERFLOW,
  },
  {
    desc: 'spend non btm input overflow',
    tx: uglyTx(
      [spendOf(SRC_1, ASSET_A, INT64_MAX, 0n), spendOf(SRC_2, ASSET_A, 100n, 0n), btm(2)],
      [
        [BTM_ASSET_ID, 10000000000n, TO],
        [ASSET_A, 100n, TO],
      ],
    ),
    code: Code.AMOUNT_OVERFLOW,
  },
  {
    desc: 'issuance non btm input overflow',
    tx: uglyTx([btm(2), issueOf(INT64_MAX), issueOf(10000000000n)], [change, [ISSUED, 10000000000n, TO]]),
    code: Code.AMOUNT_OVERFLOW,
  },
  {
    desc: 'sum of spend and issuance non btm input overflow',
    tx: uglyTx([btm(2), issueOf(INT64_MAX), spendOf(SRC_2, ISSUED, 100n, 0n)], [change, [ISSUED, 100n, TO]]),
    code: Code.AMOUNT_OVERFLOW,
  },
  {
    desc: 'spend btm output overflow',
    tx: uglyTx([btm(1)], [[BTM_ASSET_ID, UINT64_MAX, TO]]),
    code: Code.AMOUNT_OVERFLOW,
  },
  {
    desc: 'retire btm output overflow',
    tx: uglyTx([btm(1)], [[BTM_ASSET_ID, UINT64_MAX, RETIRE]]),
    code: Code.AMOUNT_OVERFLOW,
  },
  {
    desc: 'non btm output overflow',
    tx: uglyTx([btm(1), spendA()], [change, [BTM_ASSET_ID, UINT64_MAX, TO]]),
    code: Code.AMOUNT_OVERFLOW,
  },
  {
    desc: 'retire non btm output overflow',
    tx: uglyTx([btm(1), spendA()], [change, [BTM_ASSET_ID, UINT64_MAX, RETIRE]]),
    code: Code.AMOUNT_OVERFLOW,
  },
  {
    desc: 'output with over range amount but sum in equal',
    tx: uglyTx(
      [spendOf(SRC_1, BTM_ASSET_ID, 100000000n, 0n)],
      [
        [BTM_ASSET_ID, 18446744073609551616n, TO],
        [BTM_ASSET_ID, 18446744073609551616n, TO],
        [BTM_ASSET_ID, 290000000n, TO],
      ],
    ),
    code: Code.AMOUNT_OVERFLOW,
  },
  // verify signature fail
  {
    desc: 'btm single sign (wrong control program)',
    tx: uglyTx(
      [spendOf(SRC_1, BTM_ASSET_ID, 10000000000n, 0n, '00140876db6ca8f4542a836f0edd42b87d095d081182')],
      [change],
    ),
    code: Code.PROGRAM_FAILED,
  },
  {
    desc: 'btm multi sign (wrong control program)',
    tx: uglyTx(
      [
        {
          ...spendOf(
            SRC_1,
            BTM_ASSET_ID,
            10000000000n,
            0n,
            '00200824e931fb806bd77fdcd291aad3bd0a4493443a4120062bd659e64a3e0bac66',
          ),
          by: multi,
        },
      ],
      [change],
    ),
    code: Code.PROGRAM_FAILED,
  },
  {
    desc: 'spend non btm single sign (wrong control program)',
    tx: uglyTx(
      [btm(1), spendOf(SRC_2, ASSET_A, 10000000000n, 1n, '00140876db6ca8f4542a836f0edd42b87d095d081182')],
      [change, [ASSET_A, 10000000000n, TO]],
    ),
    code: Code.PROGRAM_FAILED,
  },
  {
    desc: 'spend non btm multi sign (wrong control program)',
    tx: uglyTx(
      [
        btm(1),
        { ...spendOf(SRC_2, ASSET_A, 10000000000n, 1n, '00140876db6ca8f4542a836f0edd42b87d095d081182'), by: multi },
      ],
      [change, [ASSET_A, 10000000000n, TO]],
    ),
    code: Code.PROGRAM_FAILED,
  },
  {
    desc: 'issuance non btm single sign (wrong issuance program)',
    tx: uglyTx(
      [
        btm(1),
        {
          ...issueOf(
            10000000000n,
            'ae20c38173d800e62f63bd08cfaa9bc905e4a34a61ad841d7ad6c70ead0fb48196995151ad',
            undefined,
            new Uint8Array(0),
          ),
          by: multi,
        },
      ],
      [change, [unhex('bf5f8da2334590ee095148ccdcf4d806b26a47a6d9e9e857ef6c2de79aee4f14'), 10000000000n, TO]],
    ),
    code: Code.BAD_SIGNATURE,
    atSignatures: true,
  },
  {
    desc: 'issuance non btm multi sign (wrong issuance program)',
    tx: uglyTx(
      [
        btm(1),
        {
          ...issueOf(
            10000000000n,
            'ae20ce8639c5dc70cb2b12f89a057670602eb013fc54a10ce22bd4691c62cf546b7b2081bdd879bcbce7f58e1731841c6b3deac242efa00e75124fe559fa531c0c5bb820b40b6eec74288ee4bae67191f135512454b52640cfd7be95dc84be0f02281dce20247b6e6f9230a987ef61c66820268e7b766d28c1ce7aa2c550b34e294167f340205096211460415888768a48b121013711aa711634bb9ff7341a7bd072c31525875355ad',
          ),
          by: multi,
        },
      ],
      [change, [unhex('776f0a421e9176a03061d388aff4ab3b1bcd32e53a090d593a466706c69e3d3f'), 10000000000n, TO]],
    ),
    code: Code.BAD_SIGNATURE,
    atSignatures: true,
  },
  // double spend
  {
    desc: 'btm asset double spend',
    tx: uglyTx(
      [
        spendOf(SRC_1, BTM_ASSET_ID, 10000000000n, 0n, '001420a1af4fc11399e6cd7253abf1bbd4d0af17daad'),
        spendOf(SRC_1, BTM_ASSET_ID, 10000000000n, 0n, '001420a1af4fc11399e6cd7253abf1bbd4d0af17daad'),
      ],
      [[BTM_ASSET_ID, 19000000000n, TO]],
    ),
    code: Code.DUPLICATE_INPUT,
  },
  {
    desc: 'non btm asset double spend',
    tx: uglyTx(
      [
        btm(1),
        spendOf(SRC_3, ASSET_A, 10000000000n, 0n, '001420a1af4fc11399e6cd7253abf1bbd4d0af17daad'),
        spendOf(SRC_3, ASSET_A, 10000000000n, 0n, '001420a1af4fc11399e6cd7253abf1bbd4d0af17daad'),
      ],
      [change, [ASSET_A, 20000000000n, TO]],
    ),
    code: Code.DUPLICATE_INPUT,
  },
];

describe('TestValidateUglyTx (test/tx_ugly_test.go)', () => {
  it('a well-formed transaction of the same instances passes, signatures included', async () => {
    const good = uglyTx([btm(1), issueOf(10000000000n)], [change, [ISSUED, 10000000000n, TO]]);
    const { signatureSets } = validateTxStateless(good, createTxEntries(good), { params, blockHeight: 1n });
    await verifySignatureSets(createSignatureVerifier(), signatureSets);
  });

  for (const c of cases) {
    it(c.desc, async () => {
      const validate = () => validateTxStateless(c.tx, createTxEntries(c.tx), { params, blockHeight: 1n });
      if (c.atSignatures !== true) {
        assert.throws(validate, withCode(c.code));
        return;
      }
      await assert.rejects(verifySignatureSets(createSignatureVerifier(), validate().signatureSets), withCode(c.code));
    });
  }
});
