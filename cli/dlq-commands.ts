import { Partitioners } from 'kafkajs';
import { fromKafkaMessage } from '../schemas/kafka-envelope.ts';
import { exitCodes, failedError, usageError } from './cli-error.ts';
import type { CommandContext, CommandHandler } from './command.ts';
import { hasFlag, optionText } from './command-args.ts';
import {
  type DeadLetter,
  deadLetterTopics,
  forgetReplaysBefore,
  partitionSpans,
  type Replay,
  readDeadLetter,
  readSpans,
  recordReplay,
  replaysOf,
} from './dlq-records.ts';
import { parseDuration } from './duration.ts';
import { formatCount, orDash, renderTable } from './text-table.ts';

const origin = (letter: DeadLetter) =>
  letter.origin ? `${letter.origin.topic}/${letter.origin.partition}@${letter.origin.offset}` : '-';

const summaryOf = (letter: DeadLetter, replay: Replay | undefined) => ({
  id: letter.id,
  group: letter.group,
  dlqTopic: letter.topic,
  partition: letter.partition,
  offset: letter.offset.toString(),
  origin: letter.origin ?? null,
  reason: letter.reason,
  failedAt: letter.failedAt,
  replayed: replay !== undefined,
  replayedAt: replay?.replayedAt ?? null,
});

const lettersOf = async (context: CommandContext, group?: string): Promise<DeadLetter[]> => {
  const { ops } = context;
  const admin = await ops.admin();
  const topics = await deadLetterTopics(admin, ops.config.topicPrefix, group);
  return readSpans(ops.kafka(), ops.config.topicPrefix, await partitionSpans(admin, topics), context.signal);
};

export const listDeadLetters: CommandHandler = async (context) => {
  const letters = await lettersOf(context, optionText(context.args, 'group'));
  const replays = await replaysOf(await context.ops.migratedPool(), letters);
  if (context.json) {
    context.print(JSON.stringify({ deadLetters: letters.map((letter) => summaryOf(letter, replays.get(letter.id))) }));
    return undefined;
  }
  context.print(
    renderTable(
      [
        { header: 'ID' },
        { header: 'GROUP' },
        { header: 'ORIGIN' },
        { header: 'REASON', max: 60 },
        { header: 'FAILED AT' },
        { header: 'REPLAYED' },
      ],
      letters.map((letter) => [
        letter.id,
        letter.group,
        origin(letter),
        letter.reason,
        letter.failedAt,
        replays.get(letter.id)?.replayedAt ?? 'no',
      ]),
    ),
  );
  return undefined;
};

/** The value as an event, when it is one this backend can read. */
const decodedValue = (letter: DeadLetter) => {
  const raw = { size: letter.value?.length ?? 0, base64: letter.value?.toString('base64') ?? null };
  try {
    const envelope = fromKafkaMessage({ value: letter.value, headers: letter.originalHeaders });
    return { ...raw, decoded: { ...envelope, position: envelope.position.toString() } };
  } catch (error) {
    return { ...raw, decodeError: error instanceof Error ? error.message : String(error) };
  }
};

export const showDeadLetter: CommandHandler = async (context) => {
  const { ops } = context;
  const letter = await readDeadLetter(
    ops.kafka(),
    await ops.admin(),
    ops.config.topicPrefix,
    context.args.positionals[0]!,
  );
  const replay = (await replaysOf(await ops.migratedPool(), [letter])).get(letter.id);
  const value = decodedValue(letter);
  if (context.json) {
    context.print(
      JSON.stringify({
        ...summaryOf(letter, replay),
        replays: replay?.replays ?? 0,
        key: letter.key?.toString() ?? null,
        timestamp: letter.timestamp,
        headers: letter.headers,
        value,
      }),
    );
    return undefined;
  }
  context.print(`dead letter ${letter.id}`);
  context.print(`  group      ${letter.group}`);
  context.print(`  reason     ${letter.reason}`);
  context.print(`  failed at  ${letter.failedAt}`);
  context.print(`  origin     ${origin(letter)}`);
  context.print(`  key        ${orDash(letter.key?.toString())}`);
  context.print(`  replayed   ${replay ? `${replay.replayedAt} (${replay.replays} time(s))` : 'no'}`);
  context.print('  headers');
  for (const [name, text] of Object.entries(letter.headers)) context.print(`    ${name.padEnd(22)} ${text}`);
  context.print(`  value (${value.size} bytes)`);
  if ('decoded' in value && value.decoded) {
    const event = value.decoded;
    context.print(
      `    ${event.type} v${event.schemaVersion}, ${event.streamId}@${event.streamVersion}, position ${event.position}`,
    );
    for (const line of JSON.stringify(event.data, null, 2).split('\n')) context.print(`    ${line}`);
  } else if ('decodeError' in value) {
    context.print(`    not decodable: ${value.decodeError}`);
    context.print(`    base64: ${value.base64 ?? '(null)'}`);
  }
  return undefined;
};

export const replayDeadLetters: CommandHandler = async (context) => {
  const { ops } = context;
  const id = context.args.positionals[0];
  const all = hasFlag(context.args, 'all');
  if ((id === undefined) === !all) throw usageError('dlq replay needs either <id> or --all (not both)');
  if (id !== undefined && optionText(context.args, 'group') !== undefined) throw usageError('--group goes with --all');
  const admin = await ops.admin();
  const pool = await ops.migratedPool();
  let letters: DeadLetter[];
  if (id !== undefined) {
    letters = [await readDeadLetter(ops.kafka(), admin, ops.config.topicPrefix, id)];
  } else {
    const found = await lettersOf(context, optionText(context.args, 'group'));
    const replays = await replaysOf(pool, found);
    letters = found.filter((letter) => !replays.has(letter.id));
  }
  const topics = new Set(await admin.listTopics());
  const replayed: { id: string; topic: string; partition: number; offset: string }[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const letter of letters) {
    if (!letter.origin) skipped.push({ id: letter.id, reason: 'no dlq-origin-topic/partition header' });
    else if (!topics.has(letter.origin.topic))
      skipped.push({ id: letter.id, reason: `origin topic ${letter.origin.topic} does not exist` });
  }
  const sendable = letters.filter((letter) => !skipped.some((s) => s.id === letter.id));
  if (id !== undefined && skipped.length > 0) throw failedError(`cannot replay ${id}: ${skipped[0]!.reason}`);
  if (sendable.length > 0) {
    const producer = ops.kafka().producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      for (const letter of sendable) {
        const target = letter.origin!;
        // The original record as it was (key, value, headers without dlq-*), back where it came from.
        const [sent] = await producer.send({
          topic: target.topic,
          acks: -1,
          messages: [
            { key: letter.key, value: letter.value, headers: letter.originalHeaders, partition: target.partition },
          ],
        });
        const landed = {
          topic: target.topic,
          partition: sent?.partition ?? target.partition,
          offset: sent?.baseOffset ?? '-1',
        };
        await recordReplay(pool, letter, landed);
        replayed.push({ id: letter.id, ...landed });
      }
    } finally {
      await producer.disconnect();
    }
  }
  if (context.json) {
    context.print(JSON.stringify({ replayed, skipped }));
  } else {
    if (replayed.length > 0) {
      context.print(
        renderTable(
          [{ header: 'ID' }, { header: 'REPLAYED TO' }],
          replayed.map((r) => [r.id, `${r.topic}/${r.partition}@${r.offset}`]),
        ),
      );
    }
    for (const s of skipped) context.print(`skipped ${s.id}: ${s.reason}`);
    context.print(`${formatCount(replayed.length)} replayed, ${formatCount(skipped.length)} skipped`);
  }
  if (skipped.length === 0) return undefined;
  context.stderr.write(`orders-ops: ${skipped.length} dead letter(s) could not be replayed\n`);
  return exitCodes.failed;
};

export const purgeDeadLetters: CommandHandler = async (context) => {
  const { ops } = context;
  const olderThan = optionText(context.args, 'older-than');
  if (olderThan === undefined) throw usageError('dlq purge needs --older-than <duration> (e.g. 7d, 12h, 30m)');
  const cutoff = Date.now() - parseDuration(olderThan);
  const admin = await ops.admin();
  const topics = await deadLetterTopics(admin, ops.config.topicPrefix, optionText(context.args, 'group'));
  const spans = await partitionSpans(admin, topics);
  const letters = await readSpans(ops.kafka(), ops.config.topicPrefix, spans, context.signal);
  const pool = await ops.migratedPool();
  const purged: { topic: string; partition: number; deleted: number; firstKept: string }[] = [];
  for (const span of spans) {
    const inSpan = letters.filter((l) => l.topic === span.topic && l.partition === span.partition);
    // Up to the first record newer than the cutoff: a log is deleted from its start, never in the middle.
    const firstNewer = inSpan.find((letter) => Date.parse(letter.failedAt) > cutoff);
    const deleteBefore = firstNewer?.offset ?? span.high;
    if (deleteBefore <= span.low) continue;
    await admin.deleteTopicRecords({
      topic: span.topic,
      partitions: [{ partition: span.partition, offset: deleteBefore.toString() }],
    });
    await forgetReplaysBefore(pool, span.topic, span.partition, deleteBefore);
    purged.push({
      topic: span.topic,
      partition: span.partition,
      deleted: Number(deleteBefore - span.low),
      firstKept: deleteBefore.toString(),
    });
  }
  const deleted = purged.reduce((sum, p) => sum + p.deleted, 0);
  if (context.json) {
    context.print(JSON.stringify({ cutoff: new Date(cutoff).toISOString(), deleted, partitions: purged }));
    return undefined;
  }
  if (purged.length > 0) {
    context.print(
      renderTable(
        [
          { header: 'TOPIC' },
          { header: 'PARTITION', right: true },
          { header: 'DELETED', right: true },
          { header: 'FIRST KEPT', right: true },
        ],
        purged.map((p) => [p.topic, String(p.partition), formatCount(p.deleted), p.firstKept]),
      ),
    );
  }
  context.print(`${formatCount(deleted)} dead letter(s) older than ${new Date(cutoff).toISOString()} deleted`);
  return undefined;
};
