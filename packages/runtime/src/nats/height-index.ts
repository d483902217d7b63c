// "Replay from height h" on a stream whose messages carry a `Bystack-Height` header.
//
// Choice: heights live in a header and the stream is searched by sequence, rather than one subject
// per height. Subjects stay `bystack.<chain>.<kind>.<event>` (a height token would make every
// subscription a wildcard and the subject space unbounded), and NATS has no "subject >= h" filter
// anyway. Facts of one subject are published in height order (a chain commits block h before
// h+1), so along the stream sequence the heights do not decrease, and the first message with
// height >= h is found by a binary search over sequences: O(log n) single-message reads through
// the stream's message-get API, asking each time for the next message at or after a sequence
// that matches the subject filter (`next_by_subj`, available since nats-server 2.9). A consumer
// then starts at that sequence (deliver policy by_start_sequence).
import { JetStreamApiCodes, type JetStreamManager, type MsgRequest, type StoredMsg } from '@nats-io/jetstream';
import { NatsError, NatsErrorCode } from './errors.ts';
import { parseHeight } from './headers.ts';
import { isApiError, streamError } from './streams.ts';

/** The first message at or after `seq` whose subject matches `filter`, or null. */
export async function nextStoredMessage(
  jsm: JetStreamManager,
  stream: string,
  seq: number,
  filter: string,
): Promise<StoredMsg | null> {
  // The typed union lacks the `next_by_subj` form that the non-direct API accepts since 2.9.
  const query = { seq, next_by_subj: filter } as unknown as MsgRequest;
  try {
    return await jsm.streams.getMessage(stream, query);
  } catch (err) {
    if (isApiError(err, JetStreamApiCodes.NoMessageFound)) return null;
    throw streamError(stream, 'read', err);
  }
}

export function storedHeight(stream: string, m: StoredMsg): bigint {
  const height = parseHeight(m.header);
  if (height === undefined) {
    throw new NatsError(NatsErrorCode.InvalidHeight, `message ${m.seq} of stream ${stream} has no height header`, {
      stream,
      seq: m.seq,
    });
  }
  return height;
}

/**
 * The sequence of the first message matching `filter` whose height is >= `height`; when there is
 * none yet, the sequence the next message will get (last + 1), so a consumer started there sees
 * the height arrive. Heights must not decrease along the stream for one filter.
 */
export async function sequenceForHeight(
  jsm: JetStreamManager,
  stream: string,
  height: bigint,
  filter = '>',
): Promise<number> {
  let state: { first_seq: number; last_seq: number; messages: number };
  try {
    state = (await jsm.streams.info(stream)).state;
  } catch (err) {
    throw streamError(stream, 'read', err);
  }
  const end = state.last_seq + 1;
  if (state.messages === 0) return end;
  // Smallest x in [lo, hi] such that the first matching message at or after x has height >= h
  // (or there is none); the predicate only turns from false to true as x grows.
  let lo = state.first_seq;
  let hi = end;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const m = await nextStoredMessage(jsm, stream, mid, filter);
    if (!m || storedHeight(stream, m) >= height) hi = mid;
    else lo = m.seq + 1;
  }
  if (lo >= end) return end;
  const first = await nextStoredMessage(jsm, stream, lo, filter);
  return first ? first.seq : end;
}
