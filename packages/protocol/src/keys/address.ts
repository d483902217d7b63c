// Segwit addresses, following Bytom v1.1.1 `common/address.go`: bech32 of the network's
// human-readable part (chain config: bm/tm/sm on the main chain, vp/tp/sp on Vapor), witness
// version 0, and the program hash: 20 bytes for pay-to-public-key-hash, 32 for pay-to-script-hash.
// Building the control program from the hash is the VM's business, not this file's.
import { bech32BytesToWords, bech32Decode, bech32Encode, bech32WordsToBytes } from './bech32.ts';
import { Bech32Error } from './errors.ts';

/** A decoded address: witness version (always 0 on Bytom) and the program hash. */
export type WitnessAddress = { version: number; program: Uint8Array };

export const P2WPKH_PROGRAM_SIZE = 20;
export const P2WSH_PROGRAM_SIZE = 32;

function checkVersion0Program(program: Uint8Array): void {
  if (program.length !== P2WPKH_PROGRAM_SIZE && program.length !== P2WSH_PROGRAM_SIZE) {
    throw new Bech32Error('BAD_PROGRAM_LENGTH', `witness v0 program must be 20 or 32 bytes, got ${program.length}`);
  }
}

/** The address string of a version-0 program on the network of `hrp` (lowercased, as upstream). */
export function witnessAddressEncode(hrp: string, address: WitnessAddress): string {
  if (address.version !== 0) {
    throw new Bech32Error('UNSUPPORTED_WITNESS_VERSION', `witness version ${address.version}, only 0 is supported`);
  }
  checkVersion0Program(address.program);
  return bech32Encode(hrp.toLowerCase(), Uint8Array.of(0, ...bech32BytesToWords(address.program)));
}

/**
 * Decodes an address of the network of `hrp` (upstream `DecodeAddress`): the prefix must match
 * (WRONG_NETWORK), the string must be valid bech32 in one case, and the program a version-0
 * program of 20 or 32 bytes; other versions are UNSUPPORTED_WITNESS_VERSION.
 */
export function witnessAddressDecode(address: string, hrp: string): WitnessAddress {
  const separator = address.lastIndexOf('1');
  if (separator < 1 || address.slice(0, separator).toLowerCase() !== hrp.toLowerCase()) {
    throw new Bech32Error('WRONG_NETWORK', `address is not of the network with prefix "${hrp}"`);
  }
  const { words } = bech32Decode(address);
  const version = words[0];
  if (version === undefined || version > 16) {
    throw new Bech32Error('BAD_WITNESS_VERSION', `witness version ${version ?? 'missing'}`);
  }
  const program = bech32WordsToBytes(words.subarray(1));
  if (program.length < 2 || program.length > 40) {
    throw new Bech32Error('BAD_PROGRAM_LENGTH', `witness program of ${program.length} bytes, want 2..40`);
  }
  if (version === 0) checkVersion0Program(program);
  else throw new Bech32Error('UNSUPPORTED_WITNESS_VERSION', `witness version ${version}, only 0 is supported`);
  return { version, program };
}
