// Test producer keys: a noble Ed25519 key pair; the xpub is public key || chain code (Vapor chainkd layout).
import { ed25519 } from '@noble/curves/ed25519.js';
import type { ProducerSignatureVerifier } from '../../src/consensus/index.ts';

export type TestProducer = { xpub: Uint8Array; sign: (message: Uint8Array) => Uint8Array };

export function testProducer(seedByte: number): TestProducer {
  const secretKey = new Uint8Array(32).fill(seedByte);
  const xpub = new Uint8Array(64);
  xpub.set(ed25519.getPublicKey(secretKey));
  xpub.fill(seedByte ^ 0x5a, 32);
  return { xpub, sign: (message) => ed25519.sign(message, secretKey) };
}

export const nobleVerify: ProducerSignatureVerifier = (signature, message, publicKey) =>
  ed25519.verify(signature, message, publicKey);
