/**
 * The double's storage: one append-only log in process memory, with the write checks of an EventStoreDB
 * node (its `IndexWriter.CheckCommit`): optimistic concurrency on the stream revision and idempotency by
 * event id, including the cases where the real server is *not* idempotent, so the adapter is tested
 * against what production does rather than against a friendlier store.
 */

export type ExpectedRevision =
  | { kind: 'any' }
  | { kind: 'no_stream' }
  | { kind: 'stream_exists' }
  | { kind: 'revision'; revision: bigint };

export interface ProposedEvent {
  /** Lower-case UUID, as the server reports ids back. */
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

export interface StoredEvent extends ProposedEvent {
  streamId: string;
  revision: bigint;
  /** Log position; commit and prepare positions are equal, as for every single-stream write since v20. */
  position: bigint;
  /** .NET ticks (100 ns) since the Unix epoch, the unit of the `created` metadata entry. */
  createdTicks: bigint;
}

export type AppendOutcome =
  | { kind: 'written' | 'idempotent'; lastRevision: bigint; position: bigint }
  /** Nothing to write (an empty append that passed the check): the server reports no position. */
  | { kind: 'nothing_written'; lastRevision: bigint | 'no_stream' }
  | { kind: 'wrong_expected_version'; currentRevision: bigint | 'no_stream' };

type CommitDecision =
  | { kind: 'ok' }
  | { kind: 'idempotent'; lastRevision: bigint }
  | { kind: 'wrong_expected_version' };

export type LogListener = (event: StoredEvent) => void;

/** Bytes a log record takes beside its payload; positions advance like a real transaction file. */
const recordOverhead = 96n;

export class InMemoryLog {
  readonly #all: StoredEvent[] = [];
  readonly #streams = new Map<string, StoredEvent[]>();
  /** Latest event written with each id: the server's committed-events cache, here never evicted. */
  readonly #byId = new Map<string, StoredEvent>();
  readonly #listeners = new Set<LogListener>();
  /** The first records of a real log are the chunk header and epoch; user events never sit at 0. */
  #nextPosition = 128n;

  get events(): readonly StoredEvent[] {
    return this.#all;
  }

  stream(streamId: string): readonly StoredEvent[] | undefined {
    return this.#streams.get(streamId);
  }

  /** Position of the last record: where a subscription that has caught up stands. */
  get lastPosition(): bigint | undefined {
    return this.#all.at(-1)?.position;
  }

  subscribe(listener: LogListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  append(streamId: string, expected: ExpectedRevision, proposed: ProposedEvent[]): AppendOutcome {
    const stream = this.#streams.get(streamId);
    const current = stream && stream.length > 0 ? BigInt(stream.length - 1) : 'no_stream';
    const decision = this.#check(streamId, stream ?? [], expected, proposed);
    switch (decision.kind) {
      case 'wrong_expected_version':
        return { kind: 'wrong_expected_version', currentRevision: current };
      case 'idempotent': {
        const last = (stream ?? [])[Number(decision.lastRevision)]!;
        return { kind: 'idempotent', lastRevision: decision.lastRevision, position: last.position };
      }
      case 'ok':
        return this.#write(streamId, proposed, current);
    }
  }

  #write(streamId: string, proposed: ProposedEvent[], current: bigint | 'no_stream'): AppendOutcome {
    if (proposed.length === 0) return { kind: 'nothing_written', lastRevision: current };
    const stream = this.#streams.get(streamId) ?? [];
    this.#streams.set(streamId, stream);
    const createdTicks = BigInt(Date.now()) * 10_000n;
    const written = proposed.map((event) => {
      const stored: StoredEvent = {
        ...event,
        streamId,
        revision: BigInt(stream.length),
        position: this.#nextPosition,
        createdTicks,
      };
      this.#nextPosition += recordOverhead + BigInt(event.data.length + event.customMetadata.length);
      stream.push(stored);
      this.#all.push(stored);
      this.#byId.set(stored.id, stored);
      return stored;
    });
    for (const event of written) for (const listener of this.#listeners) listener(event);
    const last = written.at(-1)!;
    return { kind: 'written', lastRevision: last.revision, position: last.position };
  }

  #check(
    streamId: string,
    stream: StoredEvent[],
    expected: ExpectedRevision,
    proposed: ProposedEvent[],
  ): CommitDecision {
    if (stream.length === 0) {
      return expected.kind === 'any' || expected.kind === 'no_stream'
        ? { kind: 'ok' }
        : { kind: 'wrong_expected_version' };
    }
    const current = BigInt(stream.length - 1);
    if (expected.kind === 'any' || expected.kind === 'stream_exists') return this.#checkByIdCache(streamId, proposed);
    const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (expectedRevision < current) return checkAfterRevision(stream, expectedRevision, proposed);
    if (expectedRevision > current) return { kind: 'wrong_expected_version' };
    // Expected revision is the current one: the server writes without looking at ids, duplicates included.
    return { kind: 'ok' };
  }

  /** Without an expected revision the server can only consult its cache of recently committed ids. */
  #checkByIdCache(streamId: string, proposed: ProposedEvent[]): CommitDecision {
    let lastRevision: bigint | undefined;
    for (const [index, event] of proposed.entries()) {
      const known = this.#byId.get(event.id);
      if (!known || known.streamId !== streamId) {
        // Some ids known and some not is "corrupted idempotency", answered as a version conflict.
        return index === 0 ? { kind: 'ok' } : { kind: 'wrong_expected_version' };
      }
      lastRevision = known.revision;
    }
    return lastRevision === undefined ? { kind: 'ok' } : { kind: 'idempotent', lastRevision };
  }
}

/** An expected revision behind the stream: idempotent only if the events right after it carry these ids. */
const checkAfterRevision = (stream: StoredEvent[], expected: bigint, proposed: ProposedEvent[]): CommitDecision => {
  if (proposed.length === 0) return { kind: 'wrong_expected_version' };
  for (const [index, event] of proposed.entries()) {
    const atRevision = stream[Number(expected) + 1 + index];
    if (atRevision?.id !== event.id) return { kind: 'wrong_expected_version' };
  }
  return { kind: 'idempotent', lastRevision: expected + BigInt(proposed.length) };
};
