// Header names the bus reads and writes, and conversions between plain records and NATS headers.
import { headers as createHeaders, Match, type MsgHdrs } from '@nats-io/transport-node';
import { NatsError, NatsErrorCode } from './errors.ts';

export const BusHeader = {
  /** Block height of a durable fact, decimal uint64: what "replay from height h" searches. */
  Height: 'Bystack-Height',
  /** JetStream de-duplication id (the server's own header name). */
  MsgId: 'Nats-Msg-Id',
  /** Set on a reply whose handler failed: the stable error code. */
  ErrorCode: 'Bystack-Error-Code',
  /** Set on a reply whose handler failed: the error message. */
  ErrorMessage: 'Bystack-Error',
} as const;
export type BusHeader = (typeof BusHeader)[keyof typeof BusHeader];

const MAX_UINT64 = (1n << 64n) - 1n;

export function toHeaders(record: Readonly<Record<string, string>> | undefined): MsgHdrs | undefined {
  if (!record) return undefined;
  const keys = Object.keys(record);
  if (keys.length === 0) return undefined;
  const h = createHeaders();
  for (const key of keys) h.set(key, record[key] ?? '');
  return h;
}

export function readHeader(h: MsgHdrs | undefined, name: string): string | undefined {
  if (!h?.has(name, Match.IgnoreCase)) return undefined;
  return h.get(name, Match.IgnoreCase);
}

export function formatHeight(height: bigint): string {
  if (height < 0n || height > MAX_UINT64) {
    throw new NatsError(NatsErrorCode.InvalidHeight, `height ${height} is not a uint64`, { height: String(height) });
  }
  return height.toString();
}

/** The `Bystack-Height` header as a bigint, undefined when absent; NATS_INVALID_HEIGHT when malformed. */
export function parseHeight(h: MsgHdrs | undefined): bigint | undefined {
  const raw = readHeader(h, BusHeader.Height);
  if (raw === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,19})$/.test(raw) || BigInt(raw) > MAX_UINT64) {
    throw new NatsError(
      NatsErrorCode.InvalidHeight,
      `header ${BusHeader.Height} ${JSON.stringify(raw)} is not a uint64`,
      {
        value: raw,
      },
    );
  }
  return BigInt(raw);
}
