// Side chain (Vapor): ports of Vapor `protocol/validation/tx_test.go` (TestMagneticContractTx,
// TestRingMagneticContractTx, TestValidateOpenFederationIssueAsset), then our own cases: the gas
// credit, votes, vetoes and their maturity, cross-chain inputs minted once, and side blocks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BTM_ASSET_ID, createTxEntries, txMerkleRoot, txStatusMerkleRoot } from '../../src/chain/index.ts';
import type { SpendCommitment } from '../../src/chain/types.ts';
import { vaporBasicParams } from '../../src/config/params.ts';
import { createSignatureVerifier, ed25519Verify, scriptToWitnessHash, xprvSign } from '../../src/keys/index.ts';
import {
  computeSideSpentOutputId,
  computeVetoSpentOutputId,
  createSideTxEntries,
  type SideBlock,
  type SideTx,
  type SideTxInput,
  type SideTxOutput,
} from '../../src/sidechain/index.ts';
import {
  ValidationErrorCode as Code,
  connectSideBlock,
  connectSideTx,
  createUtxoOverlay,
  isOpenFederationAsset,
  type SideBlockValidationContext,
  type UtxoEntry,
  validateSideBlockStateless,
  validateSideTxStateless,
  validateTxStateless,
  verifySignatureSets,
} from '../../src/validation/index.ts';
import { createMultisigScript, createP2WMCProgram, createP2WSHProgram, int64ToVmBytes } from '../../src/vm/index.ts';
import {
  createTestKey,
  hashOf,
  keyFromXPrv,
  params as mainParams,
  output,
  spendInput,
  type TestKey,
  tx,
  unhex,
  utf8,
  withCode,
  words,
} from './fixtures.ts';

const params = vaporBasicParams;
const consensus = { minVoteOutputAmount: 100_000_000n, blockIntervalMs: 500n };
const alice = createTestKey(1);
const bob = createTestKey(2);
const federationKey = createTestKey(50);
const federationScript = createMultisigScript([federationKey.publicKey], 1);
const federationProgram = createP2WSHProgram(scriptToWitnessHash(federationScript));
const VOTE = new Uint8Array(64).fill(7);

const intra = (assetId: Uint8Array, amount: bigint, controlProgram: Uint8Array): SideTxOutput => ({
  type: 'intraChain',
  assetId,
  amount,
  controlProgram,
});
const vote = (amount: bigint, controlProgram: Uint8Array, key = VOTE): SideTxOutput => ({
  type: 'vote',
  assetId: BTM_ASSET_ID,
  amount,
  controlProgram,
  vote: key,
});
const sideTx = (inputs: SideTxInput[], outputs: SideTxOutput[], extra: Partial<SideTx> = {}): SideTx => ({
  version: 1n,
  timeRange: 0n,
  inputs,
  outputs,
  ...extra,
});

function validate(t: SideTx, blockHeight = 100n, txIndex?: number) {
  return validateSideTxStateless(t, createSideTxEntries(t), {
    params,
    consensus,
    federationProgram,
    blockHeight,
    txIndex,
  });
}

/** Signs inputs with `keys[i]` as P2WPKH ([sig, pubkey]) or, for the federation, [sig, script]. */
function sign(t: SideTx, keys: readonly (TestKey | 'federation' | undefined)[]): SideTx {
  const { sigHashes } = createSideTxEntries(t);
  return {
    ...t,
    inputs: t.inputs.map((input, i) => {
      const key = keys[i];
      if (key === undefined || input.type === 'coinbase') return input;
      if (key === 'federation')
        return { ...input, arguments: [xprvSign(federationKey.xprv, sigHashes[i]!), federationScript] };
      return { ...input, arguments: [xprvSign(key.xprv, sigHashes[i]!), key.publicKey] };
    }),
  };
}

const funding = (key: TestKey, amount: bigint, n: number, assetId = BTM_ASSET_ID): SpendCommitment => ({
  sourceId: hashOf(n),
  assetId,
  amount,
  sourcePosition: 0n,
  controlProgram: key.program,
});

describe('TestMagneticContractTx, TestRingMagneticContractTx (Vapor tx_test.go)', () => {
  const seller = {
    sellerProgram: unhex('0014f928b723999312df4ed51cb275a2644336c19204'),
    sellerKey: unhex('af1927316233365dd525d3b48f2869f125a656958ee3946286f42904c35b9c91'),
  };
  const buyerArgs = { ...seller, requestedAsset: words(1n, 0n, 0n, 0n), ratioNumerator: 1n, ratioDenominator: 2n };
  const sellerArgs = { ...seller, requestedAsset: words(2n, 0n, 0n, 0n), ratioNumerator: 2n, ratioDenominator: 1n };
  const programBuyer = createP2WMCProgram(buyerArgs);
  const programSeller = createP2WMCProgram(sellerArgs);
  const int = (n: bigint) => int64ToVmBytes(n);
  const TRUE = Uint8Array.of(0x51);
  const spend = (
    args: Uint8Array[],
    n: bigint,
    assetId: Uint8Array,
    amount: bigint,
    position: bigint,
    program: Uint8Array,
  ) =>
    spendInput(
      { sourceId: words(n, 0n, 0n, 0n), assetId, amount, sourcePosition: position, controlProgram: program },
      args,
    );
  const A1 = buyerArgs.requestedAsset;
  const A2 = sellerArgs.requestedAsset;
  // Upstream's transactions are version 0 in a version-0 block; ours must be version 1.
  const cases: [string, SideTx, string | undefined][] = [
    [
      'contracts all full trade',
      sideTx(
        [
          spend([int(0n), int(1n)], 10n, A1, 100000000n, 1n, programSeller),
          spend([int(1n), int(1n)], 20n, A2, 200000000n, 0n, programBuyer),
        ],
        [
          intra(A2, 199800000n, seller.sellerProgram),
          intra(A1, 99900000n, seller.sellerProgram),
          intra(A2, 200000n, TRUE),
          intra(A1, 100000n, TRUE),
        ],
        { serializedSize: 1 },
      ),
      undefined,
    ],
    [
      'first contract partial trade, second contract full trade',
      sideTx(
        [
          spend([int(100000000n), int(0n), int(0n)], 10n, A1, 200000000n, 1n, programSeller),
          spend([int(2n), int(1n)], 20n, A2, 100000000n, 0n, programBuyer),
        ],
        [
          intra(A2, 99900000n, seller.sellerProgram),
          intra(A1, 150000000n, programSeller),
          intra(A1, 49950000n, seller.sellerProgram),
          intra(A2, 100000n, TRUE),
          intra(A1, 50000n, TRUE),
        ],
        { serializedSize: 1 },
      ),
      undefined,
    ],
    [
      'first contract full trade, second contract partial trade',
      sideTx(
        [
          spend([int(0n), int(1n)], 10n, A1, 100000000n, 1n, programSeller),
          spend([int(100000000n), int(1n), int(0n)], 20n, A2, 300000000n, 0n, programBuyer),
        ],
        [
          intra(A2, 199800000n, seller.sellerProgram),
          intra(A1, 99900000n, seller.sellerProgram),
          intra(A2, 100000000n, programBuyer),
          intra(A2, 200000n, TRUE),
          intra(A1, 100000n, TRUE),
        ],
        { serializedSize: 1 },
      ),
      undefined,
    ],
    [
      'wrong signature with cancel magnetic contract (upstream ErrFalseVMResult; ours at the signature set)',
      sideTx(
        [
          spend(
            [
              unhex(
                '686b983a8de1893ef723144389fd1f07b12b048f52f389faa863243195931d5732dbfd15470b43ed63d5067900718cf94f137073f4a972d277bbd967b022545d',
              ),
              int(0n),
              int(2n),
            ],
            10n,
            A1,
            100000000n,
            0n,
            programSeller,
          ),
        ],
        [intra(A1, 100000000n, seller.sellerProgram)],
        { serializedSize: 1 },
      ),
      Code.BAD_SIGNATURE,
    ],
    [
      'wrong output amount with contracts all full trade',
      sideTx(
        [
          spend([int(0n), int(1n)], 10n, A1, 100000000n, 1n, programSeller),
          spend([int(1n), int(1n)], 20n, A2, 200000000n, 0n, programBuyer),
        ],
        [
          intra(A2, 200000000n, seller.sellerProgram),
          intra(A1, 50000000n, seller.sellerProgram),
          intra(A1, 50000000n, Uint8Array.of(0x55)),
        ],
        { serializedSize: 1 },
      ),
      Code.PROGRAM_FAILED,
    ],
    [
      'wrong output assetID with contracts all full trade',
      sideTx(
        [
          spend([int(0n), int(1n)], 10n, A1, 100000000n, 1n, programSeller),
          spend([int(1n), int(1n)], 20n, A2, 200000000n, 0n, programBuyer),
          spend([], 30n, A1, 200000000n, 0n, TRUE),
        ],
        [
          intra(A1, 200000000n, seller.sellerProgram),
          intra(A1, 100000000n, seller.sellerProgram),
          intra(A2, 200000000n, Uint8Array.of(0x55)),
        ],
        { serializedSize: 1 },
      ),
      Code.PROGRAM_FAILED,
    ],
    [
      'wrong output change program with first contract partial trade and second contract full trade',
      sideTx(
        [
          spend([int(100000000n), int(0n), int(0n)], 10n, A1, 200000000n, 1n, programSeller),
          spend([int(2n), int(1n)], 20n, A2, 100000000n, 0n, programBuyer),
        ],
        [
          intra(A2, 99900000n, seller.sellerProgram),
          intra(A1, 150000000n, Uint8Array.of(0x55)),
          intra(A1, 49950000n, seller.sellerProgram),
          intra(A2, 100000n, TRUE),
          intra(A1, 50000n, TRUE),
        ],
        { serializedSize: 1 },
      ),
      Code.PROGRAM_FAILED,
    ],
  ];
  for (const [desc, t, code] of cases) {
    it(desc, async () => {
      if (code === undefined) {
        await verifySignatureSets(createSignatureVerifier(), validate(t, 0n).signatureSets);
      } else if (code === Code.BAD_SIGNATURE) {
        await assert.rejects(
          verifySignatureSets(createSignatureVerifier(), validate(t, 0n).signatureSets),
          withCode(code),
        );
      } else {
        assert.throws(() => validate(t, 0n), withCode(code));
      }
    });
  }

  // Upstream's transactions are version 0, and its cancel signature covers that version's tx id.
  const cancel = (version: bigint, signature: Uint8Array, program = programSeller) =>
    sideTx(
      [spend([signature, int(0n), int(2n)], 10n, A1, 100000000n, 0n, program)],
      [intra(A1, 100000000n, seller.sellerProgram)],
      {
        version,
        serializedSize: 1,
      },
    );
  const upstreamSignature = unhex(
    '851a14d69076507e202a94a884cdfb3b9f1ecbc1fb0634d2f0d1f9c1a275fdbdf921af0c5309d2d0a0deb85973cba23a4076d2c169c7f08ade2af4048d91d209',
  );
  it('cancel magnetic contract: upstream signs the version-0 transaction', () => {
    const sigHash = createSideTxEntries(cancel(0n, upstreamSignature)).sigHashes[0]!;
    assert.equal(ed25519Verify(seller.sellerKey, sigHash, upstreamSignature), true);
  });
  it('cancel magnetic contract, version 1, signed by the seller', async () => {
    const program = createP2WMCProgram({ ...sellerArgs, sellerKey: alice.publicKey });
    const unsigned = cancel(1n, new Uint8Array(64), program);
    const sigHash = createSideTxEntries(unsigned).sigHashes[0]!;
    const signed = cancel(1n, xprvSign(alice.xprv, sigHash), program);
    await verifySignatureSets(createSignatureVerifier(), validate(signed, 0n).signatureSets);
    await assert.rejects(
      verifySignatureSets(createSignatureVerifier(), validate(cancel(1n, upstreamSignature), 0n).signatureSets),
      withCode(Code.BAD_SIGNATURE),
    );
  });

  it('ring of three contracts, all full trade', () => {
    const program = (asset: bigint, num: bigint, den: bigint, key: string) =>
      createP2WMCProgram({
        requestedAsset: words(asset, 0n, 0n, 0n),
        ratioNumerator: num,
        ratioDenominator: den,
        sellerProgram: seller.sellerProgram,
        sellerKey: unhex(key),
      });
    const aliceProgram = program(1n, 2n, 1n, '960ecabafb88ba460a40912841afecebf0e84884178611ac97210e327c0d1173');
    const bobProgram = program(2n, 2n, 1n, 'ad79ec6bd3a6d6dbe4d0ee902afc99a12b9702fb63edce5f651db3081d868b75');
    const jackProgram = program(3n, 1n, 4n, '9c19a91988c62046c2767bd7e9999b0c142891b9ebf467bfa59210b435cb0de7');
    const A3 = words(3n, 0n, 0n, 0n);
    const ring = sideTx(
      [
        spend([int(0n), int(1n)], 10n, A3, 100000000n, 0n, aliceProgram),
        spend([int(1n), int(1n)], 20n, A1, 200000000n, 0n, bobProgram),
        spend([int(2n), int(1n)], 30n, A2, 400000000n, 0n, jackProgram),
      ],
      [
        intra(A1, 199800000n, seller.sellerProgram),
        intra(A2, 399600000n, seller.sellerProgram),
        intra(A3, 99900000n, seller.sellerProgram),
        intra(A1, 200000n, TRUE),
        intra(A2, 400000n, TRUE),
        intra(A3, 100000n, TRUE),
      ],
      { serializedSize: 1 },
    );
    assert.deepEqual(validate(ring, 0n).signatureSets, []);
  });
});

describe('TestValidateOpenFederationIssueAsset (Vapor tx_test.go)', () => {
  const definition = unhex(
    '7b0a202022646563696d616c73223a20382c0a2020226465736372697074696f6e223a207b0a202020202269737375655f61737365745f616374696f6e223a20226f70656e5f66656465726174696f6e5f63726f73735f636861696e220a20207d2c0a2020226e616d65223a2022454f53222c0a20202271756f72756d223a20312c0a20202272656973737565223a202274727565222c0a20202273796d626f6c223a2022454f53220a7d',
  );
  const asset = unhex('60b550a772ddde42717ef3ab1178cf4f712a02fc9faf3678aa5468facff128f5');
  const issuer = keyFromXPrv(
    unhex(
      'f0293101b509a0e919b4775d849372f97c688af8bd85a9d369fc1a4528baa94c0d74dd09aa6eaeed582df47d391c816b916a0537302291b09743903b730333f9',
    ),
  );
  const unsigned = sideTx(
    [
      {
        type: 'crossChain',
        sourceId: unhex('449143cb95389d19a1939879681168f78cc62614f4e0fb41f17b3232528a709d'),
        assetId: asset,
        amount: 100000000n,
        sourcePosition: 0n,
        controlProgram: new Uint8Array(0),
        issuanceVmVersion: 1n,
        assetDefinition: definition,
        issuanceProgram: unhex(
          'ae20d827c281d47f5de93f98544b20468feaac046bf8b89bd51102f6e971f09d215920be43bb856fe337b37f5f09040c2b6cdbe23eaf5aa4770b16ea51fdfc45514c295152ad',
        ),
        arguments: [],
      },
    ],
    [intra(asset, 100000000n, unhex('0014d8dd58f374f58cffb1b1a7cc1e18a712b4fe67b5'))],
  );
  const sigHash = createSideTxEntries(unsigned).sigHashes[0]!;
  const signed = { ...unsigned, inputs: [{ ...unsigned.inputs[0]!, arguments: [xprvSign(issuer.xprv, sigHash)] }] };

  it('the definition declares an open-federation asset', () => assert.equal(isOpenFederationAsset(definition), true));
  it('its own issuance program decides, and its signature verifies', async () => {
    const result = validate(signed, 0n);
    assert.equal(result.signatureSets.length, 1);
    await verifySignatureSets(createSignatureVerifier(), result.signatureSets);
  });
  it('the wrong asset for its definition', () => {
    const other = {
      ...signed,
      inputs: [{ ...signed.inputs[0]!, assetId: hashOf(9) }],
      outputs: [intra(hashOf(9), 100000000n, alice.program)],
    };
    assert.throws(() => validate(other, 0n), withCode(Code.BAD_CROSS_CHAIN_INPUT));
  });
  it('isOpenFederationAsset on other definitions', () => {
    for (const text of [
      '',
      'null',
      '[]',
      '{"description":"x"}',
      '{"description":{"issue_asset_action":1}}',
      '{"x":1}',
      '{',
    ]) {
      assert.equal(isOpenFederationAsset(utf8(text)), false, text);
    }
    assert.equal(
      isOpenFederationAsset(utf8('{"description":{"issue_asset_action":"open_federation_cross_chain"}}')),
      true,
    );
  });
});

describe('side-chain transactions (ours)', () => {
  it('the credit pays the gas: a zero-fee transfer is valid on the side chain, not on the main chain', () => {
    const fund = funding(alice, 1_000_000_000n, 1);
    const side = sign(sideTx([spendInput(fund)], [intra(BTM_ASSET_ID, 1_000_000_000n, bob.program)]), [alice]);
    assert.equal(validate(side).fee, 0n);
    const main = tx([spendInput(fund)], [output(BTM_ASSET_ID, 1_000_000_000n, bob.program)]);
    assert.throws(
      () => validateTxStateless(main, createTxEntries(main), { params: mainParams, blockHeight: 100n }),
      withCode(Code.INSUFFICIENT_GAS),
    );
  });

  it('vote outputs: a 64-byte key, at least the minimum, native', () => {
    const fund = funding(alice, 1_000_000_000n, 1);
    const voting = (out: SideTxOutput) => sign(sideTx([spendInput(fund)], [out]), [alice]);
    validate(voting(vote(1_000_000_000n, alice.program)));
    assert.throws(
      () => validate(voting(vote(1_000_000_000n, alice.program, new Uint8Array(32)))),
      withCode(Code.BAD_VOTE),
    );
    assert.throws(() => validate(voting(vote(99_999_999n, alice.program))), withCode(Code.BAD_VOTE));
    const other = funding(alice, 1_000_000_000n, 2, hashOf(5));
    const otherVote = { ...vote(1_000_000_000n, alice.program), assetId: hashOf(5) };
    const otherAsset = sign(sideTx([spendInput(fund), spendInput(other)], [otherVote]), [alice, alice]);
    assert.throws(() => validate(otherAsset), withCode(Code.BAD_VOTE));
  });

  it('a veto spends a vote once it is mature', () => {
    const voted = { ...funding(alice, 1_000_000_000n, 2), vote: VOTE };
    const veto: SideTxInput = { type: 'veto', ...voted, arguments: [] };
    const t = sign(sideTx([veto], [intra(BTM_ASSET_ID, 1_000_000_000n, alice.program)]), [alice]);
    const entries = createSideTxEntries(t);
    validate(t);
    const voteId = computeVetoSpentOutputId(voted, VOTE);
    const view = createUtxoOverlay();
    const entry: UtxoEntry = {
      kind: 'vote',
      height: 10n,
      assetId: BTM_ASSET_ID,
      amount: voted.amount,
      controlProgram: alice.program,
      vote: VOTE,
    };
    view.apply({ spent: [], created: [{ outputId: voteId, entry }] });
    const mature = 10n + BigInt(params.voteMaturity);
    connectSideTx(view, t, entries, { params, blockHeight: mature });
    assert.throws(
      () => connectSideTx(view, t, entries, { params, blockHeight: mature - 1n }),
      withCode(Code.IMMATURE_VOTE),
    );
    const shortVote = sign(
      sideTx([{ ...veto, vote: new Uint8Array(63) }], [intra(BTM_ASSET_ID, 1_000_000_000n, alice.program)]),
      [alice],
    );
    assert.throws(() => validate(shortVote), withCode(Code.BAD_VOTE));
  });

  it('a cross-chain input: the federation signs, it pays no storage, and mints once', async () => {
    const mainOutput = {
      sourceId: hashOf(77),
      assetId: BTM_ASSET_ID,
      amount: 500_000_000n,
      sourcePosition: 0n,
      controlProgram: alice.program,
    };
    const mint: SideTxInput = {
      type: 'crossChain',
      ...mainOutput,
      issuanceVmVersion: 1n,
      assetDefinition: utf8('{}'),
      issuanceProgram: new Uint8Array(0),
      arguments: [],
    };
    const t = sign(sideTx([mint], [intra(BTM_ASSET_ID, 500_000_000n, alice.program)], { serializedSize: 10_000_000 }), [
      'federation',
    ]);
    const result = validate(t);
    assert.ok(result.gasUsed < 10_000_000, 'no storage gas');
    await verifySignatureSets(createSignatureVerifier(), result.signatureSets);
    const unsigned = sign(sideTx([mint], [intra(BTM_ASSET_ID, 500_000_000n, alice.program)]), [alice]);
    assert.throws(() => validate(unsigned), withCode(Code.PROGRAM_FAILED));

    const entries = createSideTxEntries(t);
    const view = createUtxoOverlay();
    const changes = connectSideTx(view, t, entries, { params, blockHeight: 100n });
    const mainId = computeSideSpentOutputId(mainOutput);
    assert.deepEqual(
      changes.created.map((c) => [c.entry.kind, Buffer.from(c.outputId).equals(mainId)]),
      [
        ['crossChain', true],
        ['normal', false],
      ],
    );
    view.apply(changes);
    assert.throws(() => connectSideTx(view, t, entries, { params, blockHeight: 101n }), withCode(Code.DOUBLE_MINT));
    // the marker is not an output anyone can spend
    const spendMarker = sign(sideTx([spendInput(mainOutput)], [intra(BTM_ASSET_ID, 500_000_000n, bob.program)]), [
      alice,
    ]);
    assert.throws(
      () => connectSideTx(view, spendMarker, createSideTxEntries(spendMarker), { params, blockHeight: 101n }),
      withCode(Code.UNKNOWN_INPUT),
    );
  });
});

// makeBlock for the side chain: a coinbase paying `reward` (one zero output when there is none).
function sideBlock(txs: SideTx[], reward: bigint, edit: Partial<SideBlock['header']> = {}): SideBlock {
  const coinbase = sideTx(
    [{ type: 'coinbase', arbitrary: utf8('side') }],
    [intra(BTM_ASSET_ID, reward, alice.program)],
  );
  const transactions = [coinbase, ...txs];
  return {
    header: {
      version: 1n,
      height: 101n,
      previousBlockId: hashOf(3),
      timestamp: 1_600_000_000_500n,
      transactionsMerkleRoot: txMerkleRoot(transactions.map((t) => createSideTxEntries(t).txId)),
      transactionStatusHash: txStatusMerkleRoot(transactions.map(() => false)),
      witness: [],
      ...edit,
    },
    transactions,
  };
}

describe('side-chain blocks (ours)', () => {
  const ctx = (over: Partial<SideBlockValidationContext> = {}): SideBlockValidationContext => ({
    params,
    consensus,
    parent: { id: hashOf(3), height: 100n, timestamp: 1_600_000_000_000n },
    now: 1_600_000_000_600n,
    coinbaseAmount: 0n,
    federationProgram,
    ...over,
  });
  const transfer = sign(
    sideTx([spendInput(funding(alice, 1_000_000_000n, 1))], [intra(BTM_ASSET_ID, 1_000_000_000n, bob.program)]),
    [alice],
  );

  it('a block with a transfer and a zero coinbase passes; the zero output is not kept', async () => {
    const block = sideBlock([transfer], 0n);
    const result = validateSideBlockStateless(block, ctx());
    await verifySignatureSets(createSignatureVerifier(), result.signatureSets);
    const view = createUtxoOverlay();
    view.apply({
      spent: [],
      created: [
        {
          outputId: computeSideSpentOutputId(funding(alice, 1_000_000_000n, 1)),
          entry: {
            kind: 'normal',
            height: 1n,
            assetId: BTM_ASSET_ID,
            amount: 1_000_000_000n,
            controlProgram: alice.program,
          },
        },
      ],
    });
    const changes = connectSideBlock(view, block, result.entries, params);
    assert.deepEqual(
      changes.created.map((c) => c.entry.kind),
      ['normal'],
    );
  });
  it('the coinbase pays the rewards due', () => {
    validateSideBlockStateless(sideBlock([transfer], 5000n), ctx({ coinbaseAmount: 5000n }));
    assert.throws(
      () => validateSideBlockStateless(sideBlock([transfer], 5000n), ctx()),
      withCode(Code.BAD_COINBASE_AMOUNT),
    );
  });
  it('at least one interval after the parent, at most the offset ahead of the clock', () => {
    assert.throws(
      () => validateSideBlockStateless(sideBlock([], 0n, { timestamp: 1_600_000_000_499n }), ctx()),
      withCode(Code.BAD_TIMESTAMP),
    );
    assert.throws(
      () => validateSideBlockStateless(sideBlock([], 0n), ctx({ now: 1_600_000_000_500n - 2001n })),
      withCode(Code.TIMESTAMP_TOO_FAR_AHEAD),
    );
  });
  it('links and roots', () => {
    assert.throws(
      () => validateSideBlockStateless(sideBlock([], 0n, { height: 102n }), ctx()),
      withCode(Code.BAD_HEIGHT),
    );
    assert.throws(
      () => validateSideBlockStateless(sideBlock([], 0n, { previousBlockId: hashOf(4) }), ctx()),
      withCode(Code.BAD_PREVIOUS),
    );
    assert.throws(
      () => validateSideBlockStateless(sideBlock([transfer], 0n, { transactionsMerkleRoot: hashOf(1) }), ctx()),
      withCode(Code.BAD_MERKLE_ROOT),
    );
  });
});
