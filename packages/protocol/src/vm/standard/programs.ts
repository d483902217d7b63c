// Standard control and issuance programs, following Bytom v1.1.1 `protocol/vm/vmutil/script.go`.
//
// Outputs commit to short witness programs: `00 14 <RIPEMD160(pubkey)>` (pay to public key hash)
// or `00 20 <SHA3(script)>` (pay to script hash). Spending runs their expansion (`segwit.ts`):
//   P2PKH: DUP HASH160 <hash> EQUALVERIFY TXSIGHASH SWAP CHECKSIG          witness [sig, pubkey]
//   P2SH:  DUP SHA3 <hash> EQUALVERIFY -1 SWAP 0 CHECKPREDICATE             witness [args..., script]
// Multisig scripts (for P2SH, accounts and asset issuance):
//   [<height> BLOCKHEIGHT GREATERTHAN VERIFY] TXSIGHASH <pub_1>..<pub_N> <M> <N> CHECKMULTISIG
// spent with the signatures in key order (missing ones left out), then the script when behind P2WSH.
import { VmError, VmErrorCode } from '../errors.ts';
import { Opcode } from '../opcodes.ts';
import { isPushdataInstruction, parseInstructions } from '../parse.ts';
import { PUBLIC_KEY_LENGTH } from '../signatures.ts';
import { vmBytesToInt64 } from '../values.ts';
import { ProgramBuilder } from './builder.ts';

export const PUBKEY_HASH_LENGTH = 20;
export const SCRIPT_HASH_LENGTH = 32;

/** `00 14 <hash>` (upstream P2WPKHProgram). */
export function createP2WPKHProgram(pubKeyHash: Uint8Array): Uint8Array {
  requireLength(pubKeyHash, PUBKEY_HASH_LENGTH, 'public key hash');
  return new ProgramBuilder().addInt64(0n).addData(pubKeyHash).build();
}

/** `00 20 <hash>` (upstream P2WSHProgram). */
export function createP2WSHProgram(scriptHash: Uint8Array): Uint8Array {
  requireLength(scriptHash, SCRIPT_HASH_LENGTH, 'script hash');
  return new ProgramBuilder().addInt64(0n).addData(scriptHash).build();
}

/** The script a P2WPKH program runs as (upstream P2PKHSigProgram). */
export function createP2PKHSigScript(pubKeyHash: Uint8Array): Uint8Array {
  return new ProgramBuilder()
    .addOp(Opcode.DUP)
    .addOp(Opcode.HASH160)
    .addData(pubKeyHash)
    .addOp(Opcode.EQUALVERIFY)
    .addOp(Opcode.TXSIGHASH)
    .addOp(Opcode.SWAP)
    .addOp(Opcode.CHECKSIG)
    .build();
}

/** The script a P2WSH program runs as (upstream P2SHProgram): checks the script, then runs it on all arguments. */
export function createP2SHScript(scriptHash: Uint8Array): Uint8Array {
  return new ProgramBuilder()
    .addOp(Opcode.DUP)
    .addOp(Opcode.SHA3)
    .addData(scriptHash)
    .addOp(Opcode.EQUALVERIFY)
    .addInt64(-1n)
    .addOp(Opcode.SWAP)
    .addInt64(0n)
    .addOp(Opcode.CHECKPREDICATE)
    .build();
}

/**
 * M-of-N multisig (upstream P2SPMultiSigProgramWithHeight; P2SPMultiSigProgram when `blockHeight`
 * is 0). A positive `blockHeight` is a deadline: the program only succeeds in blocks below that
 * height (`<h> BLOCKHEIGHT GREATERTHAN VERIFY`; asset issuance programs use it).
 */
export function createMultisigScript(publicKeys: readonly Uint8Array[], quorum: number, blockHeight = 0n): Uint8Array {
  checkMultisigParams(quorum, publicKeys.length);
  if (blockHeight < 0n) throw badValue('negative block height');
  for (const key of publicKeys) requireLength(key, PUBLIC_KEY_LENGTH, 'public key');
  const b = new ProgramBuilder();
  if (blockHeight > 0n)
    b.addInt64(blockHeight).addOp(Opcode.BLOCKHEIGHT).addOp(Opcode.GREATERTHAN).addOp(Opcode.VERIFY);
  b.addOp(Opcode.TXSIGHASH);
  for (const key of publicKeys) b.addData(key);
  return b.addInt64(BigInt(quorum)).addInt64(BigInt(publicKeys.length)).addOp(Opcode.CHECKMULTISIG).build();
}

/** Burns what it locks: FAIL, then the comment if any (upstream RetireProgram). */
export function createRetireProgram(comment: Uint8Array = new Uint8Array(0)): Uint8Array {
  const b = new ProgramBuilder().addOp(Opcode.FAIL);
  if (comment.length !== 0) b.addData(comment);
  return b.build();
}

/** Anyone can spend (upstream DefaultCoinbaseProgram): TRUE. */
export function createCoinbaseProgram(): Uint8Array {
  return Uint8Array.of(Opcode.TRUE);
}

/** A program starting with FAIL can never be satisfied (upstream IsUnspendable). */
export function isUnspendableProgram(program: Uint8Array): boolean {
  return program.length > 0 && program[0] === Opcode.FAIL;
}

/** The height an issuance program is usable below (`<h> BLOCKHEIGHT GREATERTHAN VERIFY ...`), else 0. */
export function getIssuanceProgramRestrictHeight(program: Uint8Array): bigint {
  try {
    const [push, height, greater, verify] = parseInstructions(program);
    if (
      push === undefined ||
      !isPushdataInstruction(push) ||
      height?.op !== Opcode.BLOCKHEIGHT ||
      greater?.op !== Opcode.GREATERTHAN ||
      verify?.op !== Opcode.VERIFY
    ) {
      return 0n;
    }
    return vmBytesToInt64(push.data);
  } catch (err) {
    if (err instanceof VmError) return 0n;
    throw err;
  }
}

function checkMultisigParams(quorum: number, keys: number): void {
  if (!Number.isSafeInteger(quorum) || quorum < 0) throw badValue('negative quorum');
  if (quorum > keys) throw badValue('quorum too big');
  if (quorum === 0 && keys > 0) throw badValue('quorum empty with non-empty pubkey list');
}

function requireLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) throw badValue(`a ${what} is ${length} bytes, not ${bytes.length}`);
}

function badValue(message: string): VmError {
  return new VmError(VmErrorCode.BAD_VALUE, message);
}
