// The bbft's NATS traffic (core NATS, network-wide subjects of the chain):
//   bystack.<chain>.net.block     chainV1.BlockAnnounce   side blocks (with the witness signatures held)
//   bystack.<chain>.net.sig       bbftV1.BlockSignature   one producer's signature of one block
//   bystack.<chain>.net.evidence  bbftV1.DoubleSignEvidence
import { bbftV1, chainV1 } from '@bystack/proto';
import type { SideBlock } from '@bystack/protocol';
import { type Bus, type BusSubscription, type Logger, subject } from '@bystack/runtime';
import { encodeBlock } from './block-bytes.ts';
import { ownBytes } from './bytes.ts';
import type { BbftNetwork, SignatureMessage } from './types.ts';

export type NetworkHandlers = {
  block(bytes: Uint8Array, originNode: string): void;
  signature(message: SignatureMessage): void;
  evidence(bytes: Uint8Array): void;
};

export class NatsBbftNetwork implements BbftNetwork {
  readonly #bus: Bus;
  readonly #nodeId: string;
  readonly #log: Logger;
  readonly #subjects: {
    block: ReturnType<typeof subject>;
    sig: ReturnType<typeof subject>;
    evidence: ReturnType<typeof subject>;
  };

  constructor(bus: Bus, chainId: string, nodeId: string, log: Logger) {
    this.#bus = bus;
    this.#nodeId = nodeId;
    this.#log = log;
    this.#subjects = {
      block: subject(chainId, 'net', 'block'),
      sig: subject(chainId, 'net', 'sig'),
      evidence: subject(chainId, 'net', 'evidence'),
    };
  }

  #publish(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#log.warn(`publishing ${what} failed`, { err });
    }
  }

  announceBlock(block: SideBlock): void {
    this.#publish('a block', () =>
      this.#bus.publish(this.#subjects.block, chainV1.BlockAnnounce, {
        block: { bytes: Buffer.from(encodeBlock(block)) },
        originNode: this.#nodeId,
      }),
    );
  }

  publishSignature(s: SignatureMessage): void {
    this.#publish('a signature', () =>
      this.#bus.publish(this.#subjects.sig, bbftV1.BlockSignature, {
        blockId: Buffer.from(s.blockId),
        height: s.height,
        producerXpub: Buffer.from(s.producerKey),
        signature: Buffer.from(s.signature),
      }),
    );
  }

  publishEvidence(evidence: Uint8Array): void {
    this.#publish('evidence', () =>
      this.#bus.publish(this.#subjects.evidence, bbftV1.DoubleSignEvidence, { evidence: Buffer.from(evidence) }),
    );
  }

  /** Subscribes the three subjects; handlers run in arrival order per subject. */
  subscribe(handlers: NetworkHandlers): BusSubscription[] {
    return [
      this.#bus.subscribe(this.#subjects.block, chainV1.BlockAnnounce, (a) => {
        if (a.block !== undefined) handlers.block(ownBytes(a.block.bytes), a.originNode);
      }),
      this.#bus.subscribe(this.#subjects.sig, bbftV1.BlockSignature, (s) => {
        if (s.blockId.length !== 32 || s.producerXpub.length !== 64 || s.signature.length !== 64) return;
        handlers.signature({
          blockId: ownBytes(s.blockId),
          height: s.height,
          producerKey: ownBytes(s.producerXpub),
          signature: ownBytes(s.signature),
        });
      }),
      this.#bus.subscribe(this.#subjects.evidence, bbftV1.DoubleSignEvidence, (e) => {
        handlers.evidence(ownBytes(e.evidence));
      }),
    ];
  }
}
