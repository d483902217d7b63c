// Parsing what people type: amounts, assets, addresses or key names, tx ids.
import {
  BTM_ASSET_ID,
  createP2WPKHProgram,
  createP2WSHProgram,
  isP2WPKHProgram,
  isP2WSHProgram,
  type MainChainParams,
  publicKeyToHash160,
  witnessAddressDecode,
  witnessAddressEncode,
} from '@bystack/protocol';
import { CliError, CliErrorCode } from '../errors.ts';
import { equalBytes, fromHex, toHex } from '../hex.ts';
import { keysDir, loadKey } from '../keys/keyfile.ts';
import { createWalletKey } from '../wallet/index.ts';

/** neu per BTM. */
export const NEU_PER_BTM = 100_000_000n;
const MAX_AMOUNT = (1n << 63n) - 1n;

/** `1000`, `1_000`, or for BTM `1.5btm` (= 150000000 neu). */
export function parseAmount(text: string, what = 'amount'): bigint {
  const clean = text.replaceAll('_', '').trim();
  let value: bigint;
  const btm = /^(\d+)(?:\.(\d{1,8}))?btm$/i.exec(clean);
  if (btm) {
    value = BigInt(btm[1]!) * NEU_PER_BTM + BigInt((btm[2] ?? '').padEnd(8, '0') || '0');
  } else if (/^\d+$/.test(clean)) {
    value = BigInt(clean);
  } else {
    throw new CliError(
      CliErrorCode.BAD_ARGUMENT,
      `${what} "${text}" must be a whole number of units (e.g. 1000), or BTM with a suffix (e.g. 1.5btm)`,
    );
  }
  if (value <= 0n || value > MAX_AMOUNT) {
    throw new CliError(CliErrorCode.BAD_ARGUMENT, `${what} must be between 1 and ${MAX_AMOUNT}`);
  }
  return value;
}

/** `btm` or a 64-digit asset id. */
export function parseAsset(text: string | undefined): Uint8Array {
  if (text === undefined || text.toLowerCase() === 'btm') return BTM_ASSET_ID;
  return fromHex(text, 'asset id', 32);
}

export function assetLabel(assetId: Uint8Array): string {
  return equalBytes(assetId, BTM_ASSET_ID) ? 'BTM' : toHex(assetId);
}

/** `12345678901` neu -> `123.45678901`. */
export function formatBtm(neu: bigint): string {
  const whole = neu / NEU_PER_BTM;
  const frac = (neu % NEU_PER_BTM).toString().padStart(8, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

export function formatAmount(assetId: Uint8Array, amount: bigint): string {
  return equalBytes(assetId, BTM_ASSET_ID) ? `${formatBtm(amount)} BTM` : `${amount}`;
}

/** The address of a P2WPKH or P2WSH program on the chain, or undefined for other programs. */
export function programToAddress(program: Uint8Array, params: MainChainParams): string | undefined {
  if (!isP2WPKHProgram(program) && !isP2WSHProgram(program)) return undefined;
  return witnessAddressEncode(params.address.bech32Hrp, { version: 0, program: program.subarray(2) });
}

export function addressToProgram(address: string, params: MainChainParams): Uint8Array {
  let decoded: { program: Uint8Array };
  try {
    decoded = witnessAddressDecode(address, params.address.bech32Hrp);
  } catch (err) {
    throw new CliError(
      CliErrorCode.BAD_ADDRESS,
      `"${address}" is not an address of this chain (${(err as Error).message}; addresses here start with ${params.address.bech32Hrp}1)`,
    );
  }
  return decoded.program.length === 20 ? createP2WPKHProgram(decoded.program) : createP2WSHProgram(decoded.program);
}

export function publicKeyToAddress(publicKey: Uint8Array, params: MainChainParams): string {
  return witnessAddressEncode(params.address.bech32Hrp, { version: 0, program: publicKeyToHash160(publicKey) });
}

/** An address, or a key reference whose address is meant. */
export function parseDestination(
  text: string,
  params: MainChainParams,
  keysDirFlag: string | undefined,
): { program: Uint8Array; address: string } {
  const hrp = params.address.bech32Hrp.toLowerCase();
  if (text.toLowerCase().startsWith(`${hrp}1`)) return { program: addressToProgram(text, params), address: text };
  const key = createWalletKey(loadKey(text, keysDir(keysDirFlag)).xprv);
  return { program: key.controlProgram, address: publicKeyToAddress(key.publicKey, params) };
}

export function parseTxId(text: string): Uint8Array {
  return fromHex(text, 'transaction id', 32);
}
