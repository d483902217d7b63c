// Payload codecs. The bus carries protobuf bytes; a codec is anything with `encode`/`decode`,
// which the ts-proto generated messages already are (`X.encode(m)` returns a writer whose
// `finish()` gives the bytes), so `bus.publish(s, chainV1.BlockRef, ref)` needs no adapter.
import { NatsError, NatsErrorCode } from './errors.ts';

export interface MessageCodec<T> {
  /** Bytes, or a protobuf writer (`{ finish(): Uint8Array }`) as ts-proto returns. */
  encode(value: T): Uint8Array | { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

/** Payload passed through as is (raw consensus bytes, benchmarks). */
export const rawCodec: MessageCodec<Uint8Array> = {
  encode: (value) => value,
  decode: (bytes) => bytes,
};

export function encodePayload<T>(codec: MessageCodec<T>, value: T, subject: string): Uint8Array {
  try {
    const out = codec.encode(value);
    return out instanceof Uint8Array ? out : out.finish();
  } catch (cause) {
    throw new NatsError(NatsErrorCode.EncodeFailed, `cannot encode the payload for ${subject}`, { subject }, { cause });
  }
}

export function decodePayload<T>(codec: MessageCodec<T>, bytes: Uint8Array, subject: string): T {
  try {
    return codec.decode(bytes);
  } catch (cause) {
    throw new NatsError(
      NatsErrorCode.DecodeFailed,
      `cannot decode the ${bytes.length}-byte payload of ${subject}`,
      { subject, size: bytes.length },
      { cause },
    );
  }
}
