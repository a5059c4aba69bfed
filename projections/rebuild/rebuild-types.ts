import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import type { EventStore } from '../../commands/event-store/event-store.ts';
import type { ModelComparison } from './model-checksum.ts';
import type { RebuildTarget } from './rebuild-targets.ts';
import type { SkippedRecord } from './shadow-batch.ts';
import type { StoreHead } from './store-source.ts';

export type RebuildSource = 'kafka' | 'store';
export type RebuildPhase = 'preparing' | 'reading' | 'indexing' | 'verifying' | 'catching-up' | 'swapping' | 'dropping';

export interface RebuildProgress {
  phase: RebuildPhase;
  /** Events read (reading, catching-up) or rows compared (verifying). */
  done: number;
  total?: number;
}

export interface RebuildOptions {
  target: RebuildTarget;
  source: RebuildSource;
  /** Build and verify, then drop the shadow. */
  dryRun?: boolean;
  /** Read models' database; the rebuild uses up to `lanes + 1` of its connections. */
  pool: pg.Pool;
  kafka: Kafka;
  topicPrefix?: string;
  /** Needed for `source: 'store'`. */
  store?: EventStore;
  /** The store's head when the rebuild starts (the PostgreSQL store can tell); without it the read goes to the end. */
  storeHead?: () => Promise<StoreHead | undefined>;
  /** Partitions (or store lanes) applied side by side. Default 4. */
  lanes?: number;
  runId?: string;
  signal?: AbortSignal;
  onProgress?: (progress: RebuildProgress) => void;
  /** How long the swap waits for the live table and offsets before giving up. Default 30 s. */
  lockTimeoutMs?: number;
  /** Tests only: runs once the shadow is verified, before the catch-up and swap. */
  afterVerified?: () => Promise<void>;
}

export interface RebuildReport {
  projection: string;
  runId: string;
  source: RebuildSource;
  dryRun: boolean;
  table: string;
  shadowTable: string;
  events: {
    /** Records read from the source up to the snapshot (every type, for the store). */
    read: number;
    applied: number;
    skipped: number;
    /** Records applied after the snapshot to catch up with the live projector. */
    caughtUp: number;
  };
  /** The first records left out (the live projector dead-letters the same ones). */
  skippedRecords: SkippedRecord[];
  verification: ModelComparison;
  /** The live projection's offsets after the swap (or what they would be, for a dry run). */
  offsets: { topic: string; partition: number; nextOffset: string }[];
  swapped: boolean;
  /** Shadow tables of earlier killed runs, dropped before this one started. */
  droppedLeftovers: string[];
  durationMs: number;
}

export type RebuildFailure = 'busy' | 'missing_table' | 'verification_failed' | 'interrupted' | 'failed';

export class RebuildError extends Error {
  constructor(
    readonly kind: RebuildFailure,
    message: string,
    readonly report?: RebuildReport,
  ) {
    super(message);
    this.name = 'RebuildError';
  }
}
