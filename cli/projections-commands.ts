import type { ProjectorLag } from '../projections/projector/projection-lag.ts';
import { projectionLag } from '../projections/read-models.ts';
import { type RebuildReport, type RebuildSource, rebuildReadModel } from '../projections/rebuild/rebuild.ts';
import { isRebuilding } from '../projections/rebuild/rebuild-lock.ts';
import {
  dashboardRebuildRefusal,
  projectionNames,
  rebuildTargetNamed,
} from '../projections/rebuild/rebuild-targets.ts';
import { usageError } from './cli-error.ts';
import type { CommandContext, CommandHandler } from './command.ts';
import { hasFlag, optionText } from './command-args.ts';
import { progressReporter } from './progress.ts';
import { formatCount, orDash, renderTable } from './text-table.ts';

/**
 * `running` consumers attached and caught up; `lagging` attached with records to apply; `idle` no
 * consumer and nothing to apply; `behind` no consumer while records wait; `rebuilding` a rebuild runs.
 */
export type ProjectionStatus = 'running' | 'lagging' | 'idle' | 'behind' | 'rebuilding';

export const projectionStatus = (lag: number, consumers: number, rebuilding: boolean): ProjectionStatus => {
  if (rebuilding) return 'rebuilding';
  if (consumers > 0) return lag > 0 ? 'lagging' : 'running';
  return lag > 0 ? 'behind' : 'idle';
};

const consumersOf = async (context: CommandContext, groupIds: string[]): Promise<Map<string, number>> => {
  const admin = await context.ops.admin();
  const { groups } = await admin.describeGroups(groupIds);
  return new Map(groups.map((group) => [group.groupId, group.members.length]));
};

/** `order-events 0:0 1:3 2:0 3:0`, topics without the environment's prefix. */
const partitionLags = (lag: ProjectorLag, prefix: string): string => {
  const byTopic = new Map<string, string[]>();
  for (const p of lag.partitions) {
    const topic = p.topic.startsWith(prefix) ? p.topic.slice(prefix.length) : p.topic;
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), `${p.partition}:${p.lag}`]);
  }
  return Array.from(byTopic, ([topic, lags]) => `${topic} ${lags.join(' ')}`).join('; ');
};

export const listProjections: CommandHandler = async (context) => {
  const { ops } = context;
  const prefix = ops.config.topicPrefix;
  const pool = ops.pool();
  const lags = await projectionLag({
    admin: await ops.admin(),
    pool,
    redis: ops.redis(),
    redisKeyPrefix: ops.config.redisKeyPrefix,
    topicPrefix: prefix,
  });
  const consumers = await consumersOf(
    context,
    lags.map((lag) => lag.groupId),
  );
  const session = await pool.connect();
  const rows = [];
  try {
    for (const lag of lags) {
      const rebuilding = lag.store === 'postgres' && (await isRebuilding(session, lag.projector));
      const attached = consumers.get(lag.groupId) ?? 0;
      rows.push({ lag, attached, status: projectionStatus(lag.lag, attached, rebuilding) });
    }
  } finally {
    session.release();
  }
  if (context.json) {
    context.print(
      JSON.stringify({
        projections: rows.map(({ lag, attached, status }) => ({
          name: lag.projector,
          store: lag.store,
          status,
          consumers: attached,
          groupId: lag.groupId,
          lag: lag.lag,
          lastEventAt: lag.lastEventAt ?? null,
          partitions: lag.partitions.map((p) => ({
            topic: p.topic,
            partition: p.partition,
            endOffset: p.endOffset,
            nextOffset: p.nextOffset,
            lag: p.lag,
            lastEventAt: p.lastEventAt ?? null,
          })),
        })),
      }),
    );
    return undefined;
  }
  context.print(
    renderTable(
      [
        { header: 'PROJECTION' },
        { header: 'STORE' },
        { header: 'STATUS' },
        { header: 'LAG', right: true },
        { header: 'LAST EVENT' },
        { header: 'CONSUMERS', right: true },
        { header: 'LAG PER PARTITION' },
      ],
      rows.map(({ lag, attached, status }) => [
        lag.projector,
        lag.store,
        status,
        formatCount(lag.lag),
        orDash(lag.lastEventAt),
        String(attached),
        partitionLags(lag, prefix),
      ]),
    ),
  );
  return undefined;
};

const cutText = (text: string, max = 160): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const summaryLines = (report: RebuildReport, prefix: string): string[] => {
  const { verification, events } = report;
  const seconds = (report.durationMs / 1000).toFixed(1);
  const rate = report.durationMs > 0 ? Math.round((events.read * 1000) / report.durationMs) : 0;
  return [
    report.swapped
      ? `rebuilt ${report.projection} from ${report.source} in ${seconds} s (run ${report.runId}): swapped in`
      : `dry run of ${report.projection} from ${report.source} in ${seconds} s (run ${report.runId}): verified, shadow dropped`,
    `  events     ${formatCount(events.read)} read, ${formatCount(events.applied)} applied, ${formatCount(events.skipped)} skipped, ${formatCount(events.caughtUp)} caught up (${formatCount(rate)} events/s)`,
    `  rows       ${formatCount(verification.actual.rows)} (independent fold: ${formatCount(verification.expected.rows)})`,
    `  checksum   ${verification.actual.checksum} ${verification.matches ? 'matches the fold' : 'DIFFERS from the fold'}`,
    `  offsets    ${report.offsets.map((o) => `${o.topic.startsWith(prefix) ? o.topic.slice(prefix.length) : o.topic}[${o.partition}]=${o.nextOffset}`).join(' ')}`,
    ...verification.examples.map(
      (difference) =>
        `  differs    ${difference.id}: table ${cutText(difference.actual ?? 'no row')} / fold ${cutText(difference.expected ?? 'no row')}`,
    ),
    ...report.skippedRecords.map((record) => `  skipped    ${record.origin}: ${record.reason}`),
    ...report.droppedLeftovers.map((table) => `  dropped    ${table} (left by an earlier rebuild that did not finish)`),
  ];
};

export const rebuildProjection: CommandHandler = async (context) => {
  const name = context.args.positionals[0]!;
  if (name === 'dashboard') throw usageError(dashboardRebuildRefusal);
  const target = rebuildTargetNamed(name);
  if (!target) throw usageError(`unknown projection "${name}"; valid: ${projectionNames.join(', ')}`);
  const source = (optionText(context.args, 'from') ?? 'kafka') as RebuildSource;
  const { ops } = context;
  const pool = await ops.migratedPool();
  const progress = progressReporter(`rebuild ${name}`, context.stderr);
  try {
    const report = await rebuildReadModel({
      target,
      source,
      dryRun: hasFlag(context.args, 'dry-run'),
      pool,
      kafka: ops.kafka(),
      topicPrefix: ops.config.topicPrefix,
      ...(source === 'store' ? { store: ops.store(), storeHead: () => ops.storeHead() } : {}),
      signal: context.signal,
      onProgress: (update) => progress.update(update),
    });
    progress.finish();
    if (context.json) context.print(JSON.stringify({ ok: true, ...report }));
    else for (const line of summaryLines(report, ops.config.topicPrefix)) context.print(line);
    return undefined;
  } catch (error) {
    progress.finish();
    const report = (error as { report?: RebuildReport }).report;
    if (report && !context.json)
      for (const line of summaryLines(report, ops.config.topicPrefix).slice(1)) context.print(line);
    throw error;
  }
};
