// Key files: one JSON file per key (mode 0600) in a keys directory — `--keys-dir`, else
// BYSTACK_KEYS_DIR, else ~/.bystack/keys. A key is named by a reference:
//   alice                 the key file alice.json in the keys directory
//   ./path/to/key.json    a key file anywhere (any reference with a slash or ending in .json)
//   devnet:faucet         the devnet faucet key (public seed; devnet only)
//   devnet:miner/0        devnet key <name>/<index> (public seed; devnet only), e.g. a miner's
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { devnetFaucetXPrv, devnetXPrv, type XPrv, xprvToXPub } from '@bystack/protocol';
import { CliError, CliErrorCode } from '../errors.ts';
import { fromHex, toHex } from '../hex.ts';

export type KeyFile = {
  readonly version: 1;
  readonly name: string;
  /** Hex of the 64-byte chainkd xprv. */
  readonly xprv: string;
  /** Hex of the 64-byte xpub (for reading without the private half). */
  readonly xpub: string;
  readonly createdAt: string;
  /** For a derived key: the parent's reference and the path. */
  readonly derivedFrom?: { readonly parent: string; readonly path: string };
};

export type LoadedKey = {
  /** The reference as given, or the file's name. */
  readonly name: string;
  readonly xprv: XPrv;
  /** True for the devnet's public-seed keys. */
  readonly devnet: boolean;
  readonly file: string | undefined;
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function keysDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? env.BYSTACK_KEYS_DIR ?? path.join(homedir(), '.bystack', 'keys'));
}

function checkName(name: string): void {
  if (!NAME.test(name) || name.endsWith('.json')) {
    throw new CliError(
      CliErrorCode.BAD_ARGUMENT,
      `key name "${name}" must be letters, digits, '.', '_' or '-' (up to 64), not ending in .json`,
    );
  }
}

function isPathRef(ref: string): boolean {
  return ref.includes('/') || ref.includes(path.sep) || ref.endsWith('.json');
}

/** Writes a new key file; refuses to overwrite one. Returns its path. */
export function saveKey(dir: string, name: string, xprv: XPrv, derivedFrom?: KeyFile['derivedFrom']): string {
  checkName(name);
  const file = path.join(dir, `${name}.json`);
  if (existsSync(file)) {
    throw new CliError(CliErrorCode.KEY_EXISTS, `a key named "${name}" already exists (${file})`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const content: KeyFile = {
    version: 1,
    name,
    xprv: toHex(xprv),
    xpub: toHex(xprvToXPub(xprv)),
    createdAt: new Date().toISOString(),
    ...(derivedFrom ? { derivedFrom } : {}),
  };
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return file;
}

/** The key a reference names (see the file comment). */
export function loadKey(ref: string, dir: string): LoadedKey {
  if (ref.startsWith('devnet:')) return devnetKey(ref);
  const file = isPathRef(ref) ? path.resolve(ref) : path.join(dir, `${ref}.json`);
  if (!isPathRef(ref)) checkName(ref);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(
      CliErrorCode.KEY_NOT_FOUND,
      `no key "${ref}" (looked for ${file})`,
      'Create one with `bystack keys create --name <name>`, or point --keys-dir at the directory that holds it.',
    );
  }
  let parsed: Partial<KeyFile>;
  try {
    parsed = JSON.parse(text) as Partial<KeyFile>;
  } catch {
    throw new CliError(CliErrorCode.BAD_KEY_FILE, `key file ${file} is not JSON`);
  }
  if (parsed.version !== 1 || typeof parsed.xprv !== 'string') {
    throw new CliError(CliErrorCode.BAD_KEY_FILE, `key file ${file} has no version-1 xprv`);
  }
  let xprv: XPrv;
  try {
    xprv = fromHex(parsed.xprv, 'xprv', 64);
    xprvToXPub(xprv);
  } catch {
    throw new CliError(CliErrorCode.BAD_KEY_FILE, `key file ${file} holds a malformed xprv`);
  }
  return { name: parsed.name ?? ref, xprv, devnet: false, file };
}

function devnetKey(ref: string): LoadedKey {
  const spec = ref.slice('devnet:'.length);
  if (spec === 'faucet') return { name: ref, xprv: devnetFaucetXPrv(), devnet: true, file: undefined };
  const match = /^([A-Za-z0-9_-]+)\/(\d{1,6})$/.exec(spec);
  if (!match) {
    throw new CliError(CliErrorCode.BAD_ARGUMENT, `devnet key "${ref}": use devnet:faucet or devnet:<name>/<index>`);
  }
  return { name: ref, xprv: devnetXPrv(match[1]!, Number(match[2])), devnet: true, file: undefined };
}

/** `m/44/153/0/0/1`: each component a non-hardened chainkd selector, 4 bytes little-endian (Bytom BIP-44 style). */
export function parseDerivationPath(text: string): Uint8Array[] {
  const parts = text.split('/');
  if (parts[0] === 'm') parts.shift();
  if (parts.length === 0 || parts.some((p) => !/^\d{1,10}$/.test(p) || Number(p) > 0xffffffff)) {
    throw new CliError(
      CliErrorCode.BAD_ARGUMENT,
      `derivation path "${text}" must look like m/44/153/0/0/1 (non-hardened, each below 2^32)`,
    );
  }
  return parts.map((p) => {
    const selector = new Uint8Array(4);
    new DataView(selector.buffer).setUint32(0, Number(p), true);
    return selector;
  });
}
