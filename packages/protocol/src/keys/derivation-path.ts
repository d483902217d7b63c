// Derivation paths of Bytom's wallet, as lists of chainkd selectors (all derived non-hardened).
// Follows Bytom v1.1.1 `blockchain/signers/signers.go` (GetBip0032Path, getBip0044Path).
import { KeysError } from './errors.ts';

/** The first byte of a BIP-32 style path: which family of keys it derives. */
export const ChainkdKeySpace = { asset: 0, account: 1 } as const;
export type ChainkdKeySpace = (typeof ChainkdKeySpace)[keyof typeof ChainkdKeySpace];

const BIP44_PURPOSE = 44;
const BTM_COIN_TYPE = 153;
const UINT64_MAX = (1n << 64n) - 1n;

function uint32LE(value: number, name: string): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new KeysError('BAD_PATH_INDEX', `${name} must be a uint32, got ${value}`);
  }
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

function uint64LE(value: bigint, name: string): Uint8Array {
  if (value < 0n || value > UINT64_MAX) throw new KeysError('BAD_PATH_INDEX', `${name} must be a uint64, got ${value}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value, true);
  return out;
}

/**
 * `m/44/153/account/change/address`, each a 4-byte little-endian selector (upstream
 * `getBip0044Path`). Upstream truncates a larger account index to 32 bits; here it is an error.
 */
export function chainkdBip44Path(accountIndex: number, change: boolean, addressIndex: number): Uint8Array[] {
  return [
    uint32LE(BIP44_PURPOSE, 'purpose'),
    uint32LE(BTM_COIN_TYPE, 'coin type'),
    uint32LE(accountIndex, 'account index'),
    uint32LE(change ? 1 : 0, 'change'),
    uint32LE(addressIndex, 'address index'),
  ];
}

/**
 * The older rule (upstream `GetBip0032Path`): one 9-byte selector, key space then the signer's key
 * index as uint64 little-endian, followed by one 8-byte selector per item index.
 */
export function chainkdBip32Path(
  keySpace: ChainkdKeySpace,
  keyIndex: bigint,
  ...itemIndexes: readonly bigint[]
): Uint8Array[] {
  const signerPath = new Uint8Array(9);
  signerPath[0] = keySpace;
  signerPath.set(uint64LE(keyIndex, 'key index'), 1);
  return [signerPath, ...itemIndexes.map((index) => uint64LE(index, 'item index'))];
}
