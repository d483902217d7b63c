// Vapor's magnetic contract (the side chain's exchange orders), following Vapor HEAD
// `protocol/vm/vmutil/script.go` (P2WMCProgram, P2MCProgram) and `consensus/segwit/segwit.go`
// (IsP2WMCScript, DecodeP2WMCProgram). An order output commits to
//   00 <requested asset: 32 bytes> <ratio numerator> <ratio denominator> <seller program> <seller key: 32 bytes>
// and spending it runs the compiled contract below, with clauses (witness, last item the selector):
//   0 partial trade [exchange amount, position, 0], 1 full trade [position, 1], 2 cancel [seller sig, position, 2].
import { Opcode as O } from '../opcodes.ts';
import { type Instruction, isPushdataInstruction, tryParseInstructions } from '../parse.ts';
import { vmBytesToInt64 } from '../values.ts';
import { ProgramBuilder } from './builder.ts';
import { isP2WProgram } from './segwit.ts';

export type MagneticContractArgs = {
  /** 32-byte asset id the seller wants. */
  readonly requestedAsset: Uint8Array;
  readonly ratioNumerator: bigint;
  readonly ratioDenominator: bigint;
  /** Where the seller is paid. */
  readonly sellerProgram: Uint8Array;
  /** 32-byte key that may cancel the order. */
  readonly sellerKey: Uint8Array;
};

/** `00 <asset> <numerator> <denominator> <seller program> <seller key>` (upstream P2WMCProgram). */
export function createP2WMCProgram(args: MagneticContractArgs): Uint8Array {
  return new ProgramBuilder()
    .addInt64(0n)
    .addData(args.requestedAsset)
    .addInt64(args.ratioNumerator)
    .addInt64(args.ratioDenominator)
    .addData(args.sellerProgram)
    .addData(args.sellerKey)
    .build();
}

/** Upstream IsP2WMCScript. */
export function isP2WMCProgram(program: Uint8Array): boolean {
  return decodeP2WMCProgram(program) !== undefined;
}

/** Upstream DecodeP2WMCProgram, undefined for anything that is not a P2WMC program. */
export function decodeP2WMCProgram(program: Uint8Array): MagneticContractArgs | undefined {
  return decodeP2WMCInstructions(tryParseInstructions(program));
}

export function decodeP2WMCInstructions(insts: readonly Instruction[] | undefined): MagneticContractArgs | undefined {
  if (insts?.length !== 6) return undefined;
  const [version, asset, numerator, denominator, sellerProgram, sellerKey] = insts as [
    Instruction,
    Instruction,
    Instruction,
    Instruction,
    Instruction,
    Instruction,
  ];
  if (version.op > O['16'] || !isHash32(asset) || !isHash32(sellerKey)) return undefined;
  if (![numerator, denominator, sellerProgram].every(isPushdataInstruction)) return undefined;
  if (numerator.data.length > 8 || denominator.data.length > 8 || !isP2WProgram(sellerProgram.data)) return undefined;
  return {
    requestedAsset: asset.data,
    ratioNumerator: vmBytesToInt64(numerator.data),
    ratioDenominator: vmBytesToInt64(denominator.data),
    sellerProgram: sellerProgram.data,
    sellerKey: sellerKey.data,
  };
}

/** The contract a P2WMC program runs as (upstream P2MCProgram): its arguments, then its clauses. */
export function createP2MCScript(args: MagneticContractArgs): Uint8Array {
  const [cancel, fullTrade, partialEnd, fullEnd] = [0, 1, 2, 3];
  const b = new ProgramBuilder()
    .addData(args.sellerKey)
    .addData(createP2WMCProgram(args))
    .addData(args.sellerProgram)
    .addInt64(args.ratioDenominator)
    .addInt64(args.ratioNumerator)
    .addData(args.requestedAsset);
  addOps(b, O['7'], O.ROLL, O.TOALTSTACK, O['6'], O.ROLL, O.DUP, O['2'], O.NUMEQUAL);
  b.addJumpIf(cancel).addJumpIf(fullTrade);
  // partial trade
  addOps(b, O['6'], O.PICK, O['3'], O.ROLL, O['3'], O.ROLL, O.MULFRACTION, O.AMOUNT, O.OVER, O.FALSE);
  addOps(b, O.GREATERTHANOREQUAL, O['2'], O.PICK, O.ROT, O.LESSTHAN, O.BOOLAND, O.VERIFY);
  addOps(b, O.FROMALTSTACK, O.DUP, O.TOALTSTACK, O['6'], O.ROLL);
  b.addInt64(999n).addInt64(1000n);
  addOps(b, O.MULFRACTION, O['3'], O.ROLL, O['1'], O['5'], O.ROLL, O.CHECKOUTPUT, O.VERIFY);
  addOps(b, O.FROMALTSTACK, O['1'], O.ADD, O.AMOUNT, O.ROT, O.SUB, O.ASSET, O['1'], O['4'], O.ROLL, O.CHECKOUTPUT);
  b.addJump(partialEnd).setJumpTarget(fullTrade);
  // full trade
  addOps(b, O.AMOUNT, O.ROT, O['3'], O.ROLL, O.MULFRACTION);
  b.addInt64(999n).addInt64(1000n);
  addOps(b, O.MULFRACTION, O.DUP, O.FALSE, O.GREATERTHANOREQUAL, O.VERIFY);
  addOps(b, O.FROMALTSTACK, O.SWAP, O.ROT, O['1'], O['4'], O.ROLL, O.CHECKOUTPUT);
  b.addJump(fullEnd).setJumpTarget(cancel);
  // cancel
  addOps(b, O.DROP, O['6'], O.ROLL, O['6'], O.ROLL, O.TXSIGHASH, O.SWAP, O.CHECKSIG);
  return b.setJumpTarget(partialEnd).setJumpTarget(fullEnd).build();
}

function addOps(b: ProgramBuilder, ...ops: number[]): void {
  for (const op of ops) b.addOp(op);
}

function isHash32(inst: Instruction): boolean {
  return inst.op === O.DATA_32 && inst.data.length === 32;
}
