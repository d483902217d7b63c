// Messages between the SearchPool and its worker threads (structured clone: bigint and
// Uint8Array travel as they are).

/** `workerData` of a search thread. */
export type WorkerData = {
  /** The thread's slot: its hash counter is the `index`th int64 after the generation word. */
  readonly index: number;
  /** Int32 generation at byte 0, then one BigInt64 hash counter per slot from byte 8. */
  readonly control: SharedArrayBuffer;
};

export type WorkerRequest =
  | {
      readonly type: 'search';
      /** The pool's generation this job belongs to; the thread drops it when the generation moves on. */
      readonly gen: number;
      /** The encoded header (its nonce is replaced). */
      readonly header: Uint8Array;
      readonly seed: Uint8Array;
      readonly bits: bigint;
      /** Nonces [start, end) of this thread. */
      readonly start: bigint;
      readonly end: bigint;
    }
  | {
      readonly type: 'check';
      readonly id: number;
      /** The encoded header with its nonce. */
      readonly header: Uint8Array;
      readonly seed: Uint8Array;
    };

export type WorkerReply =
  | { readonly type: 'ready' }
  | {
      readonly type: 'found';
      readonly gen: number;
      readonly nonce: bigint;
      readonly blockId: Uint8Array;
      readonly hash: Uint8Array;
    }
  | { readonly type: 'exhausted'; readonly gen: number }
  | { readonly type: 'stopped'; readonly gen: number }
  | { readonly type: 'checked'; readonly id: number; readonly blockId: Uint8Array; readonly hash: Uint8Array };
