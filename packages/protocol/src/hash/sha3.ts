// SHA3-256 (FIPS 202). Bytom's crypto.Sha256 is SHA3-256 despite its name.
// Short messages (ids, sighashes: most of a transaction's hashing) go to the WebAssembly Keccak of
// asm/assembly/sha3.ts, about 2.3x faster per call than node:crypto for 40-300 bytes; longer
// ones to node:crypto's one-shot `hash` (~14x faster than @noble/hashes for long inputs, and
// faster than the WebAssembly past ~600 bytes). All three give identical digests (see test).
import { hash } from 'node:crypto';
import { compileWasmBase64, instantiateWasm } from '../wasm.ts';
import { SHA3_WASM_BASE64 } from './sha3-wasm.ts';

/** Messages up to this many bytes use the WebAssembly path. */
export const SHA3_WASM_MAX_INPUT = 512;
const WASM_INPUT_OFFSET = 256;

/** Where entryIdSha3 puts the entry's prefix (asm/assembly/sha3.ts OUTER). */
const WASM_OUTER_OFFSET = 0x10000;

type Sha3Exports = {
  readonly memory: { readonly buffer: ArrayBuffer };
  sha3_256(length: number): void;
  entry_id(prefixLength: number, bodyLength: number): void;
};

const wasm = instantiateWasm<Sha3Exports>(compileWasmBase64(SHA3_WASM_BASE64));
const wasmMemory = new Uint8Array(wasm.memory.buffer);

/** SHA3-256 on the WebAssembly module; `data` is at most SHA3_WASM_MAX_INPUT bytes. */
export function sha3Wasm(data: Uint8Array): Uint8Array {
  wasmMemory.set(data, WASM_INPUT_OFFSET);
  wasm.sha3_256(data.length);
  return wasmMemory.slice(0, 32);
}

/** SHA3-256 on node:crypto (OpenSSL). */
export function sha3OpenSsl(data: Uint8Array): Uint8Array {
  const h = hash('sha3-256', data, 'buffer');
  return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
}

export function sha3(data: Uint8Array): Uint8Array {
  return data.length <= SHA3_WASM_MAX_INPUT ? sha3Wasm(data) : sha3OpenSsl(data);
}

/**
 * SHA3(prefix || SHA3(body)), an entry id (chain/entry-id.ts), in one call into the WebAssembly
 * module when the body is short (most entries); `prefix` is at most 64 bytes.
 */
export function entryIdSha3(prefix: Uint8Array, body: Uint8Array): Uint8Array {
  if (body.length > SHA3_WASM_MAX_INPUT) {
    const outer = new Uint8Array(prefix.length + 32);
    outer.set(prefix);
    outer.set(sha3OpenSsl(body), prefix.length);
    return sha3(outer);
  }
  wasmMemory.set(prefix, WASM_OUTER_OFFSET);
  wasmMemory.set(body, WASM_INPUT_OFFSET);
  wasm.entry_id(prefix.length, body.length);
  return wasmMemory.slice(0, 32);
}
