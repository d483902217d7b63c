// The follower's reading of a committed event agrees with the generated decoder: ref, block bytes,
// effects as hex keys, whichever fields are present, unknown fields skipped, malformed input refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { chainV1 } from '@bystack/proto';
import { readCommittedEvent } from '../src/committed-event.ts';
import { hex } from './fixtures.ts';

const ids = (n: number) => Array.from({ length: n }, () => randomBytes(32));

function event(parts: { ref?: boolean; block?: boolean; effects?: boolean }) {
  return chainV1.BlockCommitted.fromPartial({
    ...(parts.ref === false ? {} : { ref: { blockId: randomBytes(32), height: 300n } }),
    ...(parts.block === false ? {} : { block: { bytes: randomBytes(5000) } }),
    ...(parts.effects === false
      ? {}
      : { effects: { txIds: ids(3), consumedOutputIds: ids(4), createdOutputIds: ids(5) } }),
  });
}

/** What the follower read from the generated decoder's message. */
function expected(msg: chainV1.BlockCommitted) {
  return {
    tip: msg.ref?.blockId.length ? { height: Number(msg.ref.height), blockId: msg.ref.blockId } : undefined,
    block: hex(msg.block?.bytes ?? new Uint8Array(0)),
    effects:
      msg.effects === undefined
        ? undefined
        : { txKeys: msg.effects.txIds.map(hex), consumes: msg.effects.consumedOutputIds.map(hex) },
  };
}

function read(bytes: Uint8Array) {
  const e = readCommittedEvent(bytes);
  return {
    tip: e.tip === undefined ? undefined : { height: e.tip.height, blockId: Buffer.from(e.tip.blockId) },
    block: hex(e.block),
    effects: e.effects === undefined ? undefined : { txKeys: e.effects.txKeys, consumes: e.effects.consumes },
  };
}

function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 0x80)) out.push((n % 0x80) | 0x80);
  return [...out, n];
}

describe('readCommittedEvent', () => {
  for (const parts of [{}, { block: false }, { effects: false }, { ref: false }, { ref: false, block: false }]) {
    test(`reads what the generated decoder reads: ${JSON.stringify(parts)}`, () => {
      const msg = event(parts);
      const bytes = chainV1.BlockCommitted.encode(msg).finish();
      assert.deepEqual(read(bytes), expected(chainV1.BlockCommitted.decode(bytes)));
    });
  }

  test('the block leaves unspent exactly its created outputs', () => {
    const msg = event({});
    const e = readCommittedEvent(chainV1.BlockCommitted.encode(msg).finish());
    for (const out of msg.effects!.createdOutputIds) assert.equal(e.effects!.leavesUnspent!(hex(out)), true);
    for (const out of msg.effects!.consumedOutputIds) assert.equal(e.effects!.leavesUnspent!(hex(out)), false);
  });

  test('unknown fields of every wire type are skipped, in the event and in its effects', () => {
    const msg = event({});
    const unknown = Buffer.from([
      0x48,
      0x96,
      0x01, // field 9, varint 150
      0x51,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8, // field 10, fixed64
      0x5a,
      0x02,
      0xaa,
      0xbb, // field 11, 2 bytes
      0x65,
      1,
      2,
      3,
      4, // field 12, fixed32
    ]);
    const effects = chainV1.BlockTxEffects.encode(msg.effects!).finish();
    const bytes = Buffer.concat([
      unknown,
      chainV1.BlockCommitted.encode({ ...msg, effects: undefined }).finish(),
      Buffer.from([0x1a, ...varint(effects.length + unknown.length)]),
      unknown,
      effects,
    ]);
    assert.deepEqual(read(bytes), expected(chainV1.BlockCommitted.decode(bytes)));
  });

  test('a truncated or malformed message is refused', () => {
    const bytes = chainV1.BlockCommitted.encode(event({})).finish();
    assert.throws(() => readCommittedEvent(bytes.subarray(0, bytes.length - 1)), /truncated/);
    assert.throws(() => readCommittedEvent(Buffer.from([0x0b])), /wire type 3/);
    assert.throws(() => readCommittedEvent(Buffer.from([0x08, 0xff])), /truncated/);
    assert.throws(() => readCommittedEvent(Buffer.from([0x00])), /field number 0/);
  });
});
