// Bech32: upstream common/bech32/bech32_test.go (TestBech32) and example_test.go vectors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bech32BytesToWords, bech32Decode, bech32Encode, bech32WordsToBytes, isProtocolError } from '@bystack/protocol';
import fc from 'fast-check';

const hasCode = (code: string) => (e: unknown) => isProtocolError(e) && e.code === code;

test('TestBech32 valid strings: decode, re-encode lowercase, a flipped data character fails', () => {
  const valid = [
    'A12UEL5L',
    'an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs',
    'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw',
    '11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j',
    'split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w',
  ];
  for (const str of valid) {
    const { hrp, words } = bech32Decode(str);
    assert.equal(bech32Encode(hrp, words), str.toLowerCase());
    const pos = str.lastIndexOf('1');
    const flipped = str.slice(0, pos + 1) + String.fromCharCode(str.charCodeAt(pos + 1) ^ 1) + str.slice(pos + 2);
    assert.throws(() => bech32Decode(flipped), isProtocolError);
  }
});

test('TestBech32 invalid strings fail with typed errors', () => {
  const invalid: [string, string][] = [
    ['split1checkupstagehandshakeupstreamerranterredcaperred2y9e2w', 'BAD_CHECKSUM'],
    ['s lit1checkupstagehandshakeupstreamerranterredcaperredp8hs2p', 'BAD_CHARACTER'],
    [`spl${String.fromCharCode(127)}t1checkupstagehandshakeupstreamerranterredcaperred2y9e3w`, 'BAD_CHARACTER'],
    ['split1cheo2y9e2w', 'BAD_CHARACTER'],
    ['split1a2y9w', 'BAD_SEPARATOR'],
    ['1checkupstagehandshakeupstreamerranterredcaperred2y9e3w', 'BAD_SEPARATOR'],
    ['11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqsqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j', 'BAD_LENGTH'],
    ['A12uEL5L', 'MIXED_CASE'],
    ['a1qqqqq', 'BAD_LENGTH'],
  ];
  for (const [str, code] of invalid) assert.throws(() => bech32Decode(str), hasCode(code), str);
});

test('ExampleBech32Decode and ExampleBech23Encode (upstream example_test.go)', () => {
  const decoded = bech32Decode('bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx');
  assert.equal(decoded.hrp, 'bc');
  assert.equal(
    Buffer.from(decoded.words).toString('hex'),
    '010e140f070d1a001912060b0d081504140311021d030c1d03040f1814060e1e160e140f070d1a001912060b0d081504140311021d030c1d03040f1814060e1e16',
  );
  const words = bech32BytesToWords(new TextEncoder().encode('Test data'));
  assert.equal(bech32Encode('customHrp!11111q', words), 'customHrp!11111q123jhxapqv3shgcgumastr');
});

test('encoding refuses what decoding would refuse', () => {
  assert.throws(() => bech32Encode('', new Uint8Array(1)), hasCode('BAD_SEPARATOR'));
  assert.throws(() => bech32Encode('a b', new Uint8Array(1)), hasCode('BAD_CHARACTER'));
  assert.throws(() => bech32Encode('bm', Uint8Array.of(32)), hasCode('BAD_CHARACTER'));
  assert.throws(() => bech32Encode('bm', new Uint8Array(82)), hasCode('BAD_LENGTH'));
  assert.equal(bech32Encode('bm', new Uint8Array(81)).length, 90);
});

test('word regrouping: padding rules (upstream ConvertBits)', () => {
  assert.deepEqual(bech32WordsToBytes(bech32BytesToWords(Uint8Array.of(0xff))), Uint8Array.of(0xff));
  assert.throws(() => bech32WordsToBytes(Uint8Array.of(31, 31, 1)), hasCode('BAD_PADDING')); // non-zero pad
  assert.throws(() => bech32WordsToBytes(Uint8Array.of(0, 0, 0)), hasCode('BAD_PADDING')); // 7 pad bits
});

test('property: bytes -> words -> bech32 -> words -> bytes round-trips', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[a-z0-9]{1,10}$/), fc.uint8Array({ maxLength: 40 }), (hrp, data) => {
      const text = bech32Encode(hrp, bech32BytesToWords(data));
      const decoded = bech32Decode(text);
      assert.equal(decoded.hrp, hrp);
      assert.deepEqual(bech32WordsToBytes(decoded.words), data);
      assert.deepEqual(bech32Decode(text.toUpperCase()), decoded);
    }),
    { numRuns: 200 },
  );
});
