// Idempotent stream declaration. Every service declares the streams it uses at start-up; the first
// creates them, the others find them as declared, and a changed limit is applied as an update.
// Only settings nats-server 2.9 knows are used, so one declaration works on 2.9 and 2.10 alike.
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { NatsError, NatsErrorCode } from './errors.ts';
import { intOption, invalidOption, nameOption } from './options.ts';
import type { Subject, SubjectFilter } from './subject.ts';

export type StreamSpec = {
  /** Stream name, e.g. "BLOCKS_main" ([A-Za-z0-9_-]). */
  readonly name: string;
  /** Subjects it stores (from `subject()`/`subjectFilter()`). */
  readonly subjects: readonly (Subject | SubjectFilter)[];
  /** Window in which a repeated `Nats-Msg-Id` is dropped, ms (default 120000). */
  readonly duplicateWindowMs?: number;
  /** Oldest message kept, ms (default 0: no age limit). */
  readonly maxAgeMs?: number;
  /** Most messages kept (default -1: no limit). */
  readonly maxMsgs?: number;
  /** Most bytes kept (default -1: no limit). */
  readonly maxBytes?: number;
  /** Largest message accepted, bytes (default -1: the server's max payload). */
  readonly maxMsgSize?: number;
  /** `file` (default) survives a server restart; `memory` does not. */
  readonly storage?: 'file' | 'memory';
  /** Copies in a cluster (default 1). */
  readonly replicas?: number;
  /** At a limit: drop the oldest messages (`old`, default) or refuse new ones (`new`). */
  readonly discard?: 'old' | 'new';
};

export type DeclaredStream = {
  readonly name: string;
  /** What the declaration did: made the stream, changed its limits, or found it as declared. */
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly messages: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
};

type Managed = Pick<
  StreamConfig,
  | 'subjects'
  | 'duplicate_window'
  | 'max_age'
  | 'max_msgs'
  | 'max_bytes'
  | 'max_msg_size'
  | 'storage'
  | 'num_replicas'
  | 'discard'
  | 'retention'
>;

function desiredConfig(spec: StreamSpec): Managed {
  if (spec.subjects.length === 0) throw invalidOption(`stream ${spec.name} subjects`, 'at least one subject', '[]');
  if (spec.storage !== undefined && spec.storage !== 'file' && spec.storage !== 'memory') {
    throw invalidOption(`stream ${spec.name} storage`, '"file" or "memory"', spec.storage);
  }
  if (spec.discard !== undefined && spec.discard !== 'old' && spec.discard !== 'new') {
    throw invalidOption(`stream ${spec.name} discard`, '"old" or "new"', spec.discard);
  }
  return {
    subjects: [...spec.subjects].sort(),
    duplicate_window: nanos(intOption(`stream ${spec.name} duplicateWindowMs`, spec.duplicateWindowMs, 120_000, 1)),
    max_age: nanos(intOption(`stream ${spec.name} maxAgeMs`, spec.maxAgeMs, 0, 0)),
    max_msgs: intOption(`stream ${spec.name} maxMsgs`, spec.maxMsgs, -1, -1),
    max_bytes: intOption(`stream ${spec.name} maxBytes`, spec.maxBytes, -1, -1),
    max_msg_size: intOption(`stream ${spec.name} maxMsgSize`, spec.maxMsgSize, -1, -1),
    storage: spec.storage === 'memory' ? StorageType.Memory : StorageType.File,
    num_replicas: intOption(`stream ${spec.name} replicas`, spec.replicas, 1, 1, 5),
    discard: spec.discard === 'new' ? DiscardPolicy.New : DiscardPolicy.Old,
    retention: RetentionPolicy.Limits,
  };
}

/** The managed settings whose current value differs from the declared one. */
function differences(current: StreamConfig, desired: Managed): (keyof Managed)[] {
  const changed: (keyof Managed)[] = [];
  for (const key of Object.keys(desired) as (keyof Managed)[]) {
    const want = desired[key];
    const have = key === 'subjects' ? [...(current.subjects ?? [])].sort() : current[key];
    if (JSON.stringify(have) !== JSON.stringify(want)) changed.push(key);
  }
  return changed;
}

function declared(info: StreamInfo, action: DeclaredStream['action']): DeclaredStream {
  const { messages, first_seq: firstSeq, last_seq: lastSeq } = info.state;
  return { name: info.config.name, action, messages, firstSeq, lastSeq };
}

export function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

/** Creates the stream, or brings an existing one to the declared limits. */
export async function declareStream(jsm: JetStreamManager, spec: StreamSpec): Promise<DeclaredStream> {
  const name = nameOption('stream name', spec.name);
  const desired = desiredConfig(spec);
  let current: StreamInfo | undefined;
  try {
    current = await jsm.streams.info(name);
  } catch (err) {
    if (!isApiError(err, JetStreamApiCodes.StreamNotFound)) throw streamError(name, 'read', err);
  }
  if (!current) {
    try {
      return declared(await jsm.streams.add({ name, ...desired }), 'created');
    } catch (err) {
      // Another service declared it in between: fall through to the comparison.
      current = await jsm.streams.info(name).catch(() => undefined);
      if (!current) throw streamError(name, 'create', err);
    }
  }
  const changed = differences(current.config, desired);
  if (changed.length === 0) return declared(current, 'unchanged');
  if (changed.includes('storage') || changed.includes('retention')) {
    throw new NatsError(
      NatsErrorCode.StreamConflict,
      `stream ${name} exists with storage ${current.config.storage} and retention ${current.config.retention}, which cannot change`,
      { stream: name, changed },
    );
  }
  const update: Partial<Managed> = {};
  for (const key of changed) Object.assign(update, { [key]: desired[key] });
  try {
    return declared(await jsm.streams.update(name, update), 'updated');
  } catch (err) {
    throw new NatsError(
      NatsErrorCode.StreamConflict,
      `stream ${name} cannot be updated (${changed.join(', ')})`,
      {
        stream: name,
        changed,
      },
      { cause: err },
    );
  }
}

export function streamError(stream: string, action: string, err: unknown): NatsError {
  if (isApiError(err, JetStreamApiCodes.StreamNotFound)) {
    return new NatsError(NatsErrorCode.StreamNotFound, `stream ${stream} does not exist`, { stream }, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new NatsError(
    NatsErrorCode.JetStreamFailed,
    `cannot ${action} stream ${stream}: ${message}`,
    { stream },
    {
      cause: err,
    },
  );
}
