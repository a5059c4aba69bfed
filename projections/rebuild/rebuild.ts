import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { ReadAborted } from './kafka-range-reader.ts';
import { type ShadowPosition, SwapCancelled } from './live-swap.ts';
import { tryLockRebuild, unlockRebuild } from './rebuild-lock.ts';
import { type PartitionSnapshot, RebuildRun } from './rebuild-run.ts';
import type { RebuildTarget } from './rebuild-targets.ts';
import { RebuildError, type RebuildOptions, type RebuildReport } from './rebuild-types.ts';
import { createShadowTable, dropTable, leftoverTables, shadowTableName, tableExists } from './shadow-tables.ts';

export * from './rebuild-types.ts';

/**
 * Rebuilds one PostgreSQL read model into a shadow table while the live one keeps serving: reads the
 * source up to where it stood at the start, applies it with the projector's own code, verifies the
 * shadow against an independent fold of the same events, catches up with what the live projector applied
 * meanwhile, and swaps the shadow in atomically. Any failure or interruption drops the shadow and
 * leaves the live table and its offsets as they were.
 */
export const rebuildReadModel = async (options: RebuildOptions): Promise<RebuildReport> => {
  const { target, pool, signal } = options;
  const startedAt = Date.now();
  const runId = options.runId ?? randomBytes(4).toString('hex');
  const shadow = shadowTableName(target.table, runId);
  const session = await pool.connect();
  let run: RebuildRun | undefined;
  let locked = false;
  let shadowCreated = false;
  let swapped = false;
  const interrupted = () => {
    if (signal?.aborted) throw new ReadAborted();
  };
  try {
    locked = await tryLockRebuild(session, target.name);
    if (!locked) throw new RebuildError('busy', `another rebuild of ${target.name} is running`);
    options.onProgress?.({ phase: 'preparing', done: 0 });
    if (!(await tableExists(session, target.table))) {
      throw new RebuildError('missing_table', `table ${target.table} does not exist: run the migrations first`);
    }
    const droppedLeftovers = await leftoverTables(session, target.table);
    for (const leftover of droppedLeftovers) await dropTable(session, leftover);
    const indexes = await createShadowTable(session, target.table, shadow);
    shadowCreated = true;
    // Kafka's end offsets come first: for a store rebuild they are where the live projector resumes,
    // and everything below them was in the store before its head is read.
    const partitions = await snapshotPartitions(
      options.kafka,
      target.topics.map((t) => `${options.topicPrefix ?? ''}${t}`),
    );
    run = new RebuildRun(
      options,
      session,
      shadow,
      target.projection(shadow, `${target.name}-rebuild`),
      runId,
      partitions,
    );
    if (options.source === 'kafka') await run.readKafka(partitions);
    else await run.readStore();
    interrupted();
    const verification = await run.verify(indexes);
    const done = run;
    const report = (offsets: ShadowPosition[], isSwapped: boolean): RebuildReport => ({
      projection: target.name,
      runId,
      source: options.source,
      dryRun: options.dryRun === true,
      table: target.table,
      shadowTable: shadow,
      events: { ...done.counts },
      skippedRecords: done.skippedRecords,
      verification,
      offsets: offsets.map((p) => ({ topic: p.topic, partition: p.partition, nextOffset: p.nextOffset.toString() })),
      swapped: isSwapped,
      droppedLeftovers,
      durationMs: Date.now() - startedAt,
    });
    if (!verification.matches) {
      const rows = Math.max(verification.expected.rows, verification.actual.rows);
      throw new RebuildError(
        'verification_failed',
        `verification failed: ${verification.differing} of ${rows} rows differ from the independent fold`,
        report([...run.consumed.values()], false),
      );
    }
    interrupted();
    if (options.dryRun) return report([...run.consumed.values()], false);
    await options.afterVerified?.();
    await run.catchUpWithLive();
    const offsets = await run.swap(indexes);
    swapped = true;
    return report(offsets, true);
  } catch (error) {
    throw rebuildErrorOf(error, target, options.lockTimeoutMs ?? 30_000);
  } finally {
    await run?.close().catch(() => undefined);
    if (shadowCreated && !swapped) {
      options.onProgress?.({ phase: 'dropping', done: 0 });
      await dropTable(session, shadow).catch(() => undefined);
    }
    if (locked) await unlockRebuild(session, target.name).catch(() => undefined);
    session.release();
  }
};

const rebuildErrorOf = (error: unknown, target: RebuildTarget, lockTimeoutMs: number): RebuildError => {
  if (error instanceof RebuildError) return error;
  if (error instanceof ReadAborted || error instanceof SwapCancelled) {
    return new RebuildError('interrupted', 'interrupted: the live model is untouched and the shadow was dropped');
  }
  if ((error as { code?: unknown }).code === '55P03') {
    return new RebuildError(
      'failed',
      `could not lock ${target.table} and its offsets within ${lockTimeoutMs} ms (a long query or transaction holds them)`,
    );
  }
  return new RebuildError('failed', error instanceof Error ? error.message : String(error));
};

const snapshotPartitions = async (kafka: Kafka, topics: readonly string[]): Promise<PartitionSnapshot[]> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const partitions: PartitionSnapshot[] = [];
    for (const topic of topics) {
      for (const offsets of await admin.fetchTopicOffsets(topic)) {
        partitions.push({ topic, partition: offsets.partition, low: BigInt(offsets.low), high: BigInt(offsets.high) });
      }
    }
    return partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
};
