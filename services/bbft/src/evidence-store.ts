// Double-sign evidence this producer holds: detected from the signatures it saw, or received on
// net.evidence and verified. Kept in memory and, when a file is given, appended to it (one line per
// record: source, time, canonical hex) so a restart keeps what was seen.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type DoubleSignEvidence, decodeDoubleSignEvidence, encodeDoubleSignEvidence } from '@bystack/protocol';
import { fromHex, toHex } from './bytes.ts';

export type EvidenceSource = 'detected' | 'received';

export type EvidenceRecord = {
  readonly bytes: Uint8Array;
  readonly evidence: DoubleSignEvidence;
  readonly source: EvidenceSource;
  readonly seenAtMs: number;
};

export type EvidenceStoreOptions = {
  /** Append-only file of records; unset keeps them in memory only. */
  readonly file?: string | undefined;
  readonly clock?: () => number;
};

export class EvidenceStore {
  readonly #records = new Map<string, EvidenceRecord>();
  readonly #file: string | undefined;
  readonly #clock: () => number;

  constructor(opts: EvidenceStoreOptions = {}) {
    this.#file = opts.file;
    this.#clock = opts.clock ?? Date.now;
    if (this.#file !== undefined) this.#load(this.#file);
  }

  #load(file: string): void {
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [source, at, hex] = line.trim().split(' ');
      if (hex === undefined || (source !== 'detected' && source !== 'received')) continue;
      try {
        const bytes = fromHex(hex);
        this.#records.set(hex, { bytes, evidence: decodeDoubleSignEvidence(bytes), source, seenAtMs: Number(at) });
      } catch {
        // A torn last line (crash while appending) is skipped.
      }
    }
  }

  get size(): number {
    return this.#records.size;
  }

  has(evidence: DoubleSignEvidence): boolean {
    return this.#records.has(toHex(encodeDoubleSignEvidence(evidence)));
  }

  /** Adds evidence; returns the new record, or undefined when it was already held. */
  add(evidence: DoubleSignEvidence, source: EvidenceSource): EvidenceRecord | undefined {
    const bytes = encodeDoubleSignEvidence(evidence);
    const hex = toHex(bytes);
    if (this.#records.has(hex)) return undefined;
    const record: EvidenceRecord = { bytes, evidence, source, seenAtMs: this.#clock() };
    this.#records.set(hex, record);
    if (this.#file !== undefined) {
      mkdirSync(path.dirname(this.#file), { recursive: true });
      appendFileSync(this.#file, `${source} ${record.seenAtMs} ${hex}\n`);
    }
    return record;
  }

  list(): EvidenceRecord[] {
    return [...this.#records.values()].sort((a, b) => a.seenAtMs - b.seenAtMs);
  }
}
