// SignerGuard over the runtime's SignerStateStore (LMDB on the node's data dir by default). Several
// producers may share one node (one data dir), so each (chain, producer key) gets its own keyspace of
// the store: `<chain id>.signer.<first 16 hex digits of the producer's public key>`.
import { isStoreError, type SignerStateStore, StoreErrorCode } from '@bystack/runtime';
import { toHex } from './bytes.ts';
import type { SideBlockRef, SignerGuard } from './types.ts';

/** The store keyspace of one producer's signer records on one chain. */
export function signerKeyspace(chainId: string, producerXPub: Uint8Array): string {
  const keyspace = `${chainId}.signer.${toHex(producerXPub.subarray(0, 8))}`;
  if (keyspace.length > 64)
    throw new RangeError(`chain id ${JSON.stringify(chainId)} is too long for a signer keyspace`);
  return keyspace;
}

export class StoreSignerGuard implements SignerGuard {
  readonly keyspace: string;
  readonly #store: SignerStateStore;

  constructor(store: SignerStateStore, keyspace: string) {
    this.#store = store;
    this.keyspace = keyspace;
  }

  async recordSigned(height: bigint, blockId: Uint8Array): Promise<boolean> {
    try {
      await this.#store.recordSigned(this.keyspace, Number(height), blockId);
      return true;
    } catch (err) {
      if (isStoreError(err) && err.code === StoreErrorCode.SignerConflict) return false;
      throw err;
    }
  }

  getSigned(height: bigint): Promise<Uint8Array | undefined> {
    return this.#store.getSigned(this.keyspace, Number(height));
  }

  async getLastSigned(): Promise<SideBlockRef | undefined> {
    const last = await this.#store.getLastSigned(this.keyspace);
    return last === undefined ? undefined : { id: last.blockId, height: BigInt(last.height) };
  }
}
