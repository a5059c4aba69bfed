import type { EventStore, RecordedEvent } from '../../commands/event-store/event-store.ts';
import { describeError } from '../../platform/kafka/failure.ts';
import { isKnownEventType, topicFor } from '../../schemas/event-catalog.ts';
import { fromKafkaMessage, toKafkaMessage } from '../../schemas/kafka-envelope.ts';
import type { Queryable } from '../projector/projection.ts';
import { type FoldEvent, foldEventOf, type IndependentFold } from '../rebuild/independent-fold.ts';
import { compareModels } from '../rebuild/model-checksum.ts';
import { type RebuildTarget, rebuildTargets } from '../rebuild/rebuild-targets.ts';
import { readTableModel } from '../rebuild/table-model.ts';
import { type AuditCheck, type Difference, storeDifferences } from './audit-checks.ts';
import { auditFacts } from './audit-facts.ts';

export interface VerifyOptions {
  store: EventStore;
  /** Where the PostgreSQL read models live. */
  db: Queryable;
  /**
   * How long a difference may take to go away before it is reported: on a live system the read models and
   * running sagas trail the store by a moment, so what differs is read again (store and tables) until it
   * agrees or this much time has passed. 0 reports the first reading.
   */
  settleMs?: number;
  pageSize?: number;
  /** Rows listed per read model that differs (the count is always given). */
  maxExamples?: number;
  onProgress?: (events: number) => void;
  signal?: AbortSignal;
}

export interface VerifyReport {
  ok: boolean;
  /** Store events read (all types). */
  events: number;
  checked: { orders: number; skus: number; customers: number; coupons: number; readModelRows: number };
  /** Per check, how many differences it found (0 for a check that passed). */
  counts: Record<AuditCheck, number>;
  differences: Difference[];
  /** How long it waited for differences to go away. */
  settledForMs: number;
}

const checks: readonly AuditCheck[] = ['orders-settled', 'stock', 'payments', 'points', 'coupons', 'read-model'];

/** Through the relay's own Avro encoding, so the folds see exactly what a projector would. */
const decode = (event: RecordedEvent): FoldEvent | string => {
  try {
    const message = toKafkaMessage(event);
    return foldEventOf(fromKafkaMessage({ value: message.value as Buffer, headers: message.headers }));
  } catch (error) {
    return describeError(error);
  }
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The consistency audit of `ops verify`: reads the whole store once in global order (then only what is new on
 * each settle round), checks the rules of docs/operations.md ("ops verify") over it, and compares every
 * PostgreSQL read model row for row with an independent fold of the same events.
 */
export const verifySystem = async ({
  store,
  db,
  settleMs = 10_000,
  pageSize = 2_000,
  maxExamples = 10,
  onProgress,
  signal,
}: VerifyOptions): Promise<VerifyReport> => {
  const started = Date.now();
  const facts = auditFacts();
  const folds = rebuildTargets.map((target) => ({ target, fold: target.shape.newFold() }));
  const topicsOf = new Map(folds.map(({ target }) => [target, new Set(target.topics)]));
  const unreadable: Difference[] = [];
  let after = -1n;
  let events = 0;

  const readOn = async () => {
    for (;;) {
      if (signal?.aborted) return;
      const page = await store.readAll({ after, limit: pageSize });
      for (const event of page) {
        const decoded = decode(event);
        if (typeof decoded === 'string') {
          unreadable.push({
            check: 'read-model',
            subject: `${event.streamId}@${event.version}`,
            message: `event ${event.type} cannot be read as a projector would: ${decoded}`,
          });
          continue;
        }
        facts.apply(decoded);
        const topic = isKnownEventType(event.type) ? topicFor(event.type) : undefined;
        for (const { target, fold } of folds) if (topic && topicsOf.get(target)!.has(topic)) fold.apply(decoded);
      }
      events += page.length;
      onProgress?.(events);
      const last = page.at(-1);
      if (!last || page.length < pageSize) return;
      after = last.position;
    }
  };

  let readModelRows = 0;
  const compareTables = async (): Promise<Difference[]> => {
    readModelRows = 0;
    const differences: Difference[] = [];
    for (const { target, fold } of folds) {
      differences.push(...(await tableDifferences(db, target, fold, maxExamples)));
      readModelRows += fold.model().size;
    }
    return differences;
  };

  await readOn();
  let differences = [...unreadable, ...storeDifferences(facts), ...(await compareTables())];
  while (differences.length > 0 && Date.now() - started < settleMs && !signal?.aborted) {
    await pause(Math.min(1_000, Math.max(100, settleMs / 10)));
    await readOn();
    differences = [...unreadable, ...storeDifferences(facts), ...(await compareTables())];
  }
  const counts = Object.fromEntries(checks.map((check) => [check, 0])) as Record<AuditCheck, number>;
  for (const difference of differences) counts[difference.check]++;
  return {
    ok: differences.length === 0,
    events,
    checked: {
      orders: facts.orders.size,
      skus: facts.stock.size,
      customers: facts.points.size,
      coupons: facts.coupons.size,
      readModelRows,
    },
    counts,
    differences,
    settledForMs: differences.length === 0 ? Date.now() - started : settleMs,
  };
};

/** The rows of one read model's table that are missing, extra or different from the fold of the store. */
const tableDifferences = async (
  db: Queryable,
  target: RebuildTarget,
  fold: IndependentFold,
  maxExamples: number,
): Promise<Difference[]> => {
  const comparison = compareModels(await readTableModel(db, target.table, target.shape), fold.model(), maxExamples);
  if (comparison.matches) return [];
  const subject = (id: string) => `${target.name} row ${id}`;
  const listed: Difference[] = comparison.examples.map(({ id, actual, expected }) => ({
    check: 'read-model',
    subject: subject(id),
    message:
      actual === undefined
        ? `missing; the store says ${expected}`
        : expected === undefined
          ? `holds ${actual}, but the store has no such ${target.name} row`
          : `holds ${actual}, but the store says ${expected}`,
  }));
  const unlisted = comparison.differing - listed.length;
  if (unlisted > 0) {
    listed.push({
      check: 'read-model',
      subject: `${target.name} table`,
      message: `${unlisted} more rows differ (${comparison.differing} in all)`,
    });
  }
  return listed;
};
