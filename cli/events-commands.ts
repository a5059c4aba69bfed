import { randomBytes } from 'node:crypto';
import { allEventTopics, isKnownEventType } from '../schemas/event-catalog.ts';
import { type EventEnvelope, fromKafkaMessage, headerNames } from '../schemas/kafka-envelope.ts';
import { usageError } from './cli-error.ts';
import type { CommandHandler } from './command.ts';
import { hasFlag, optionText } from './command-args.ts';

/** Scalar fields of the event's data, the ids first: enough to recognise it on one line. */
export const keyFields = (data: unknown, max = 6): string => {
  if (typeof data !== 'object' || data === null) return '';
  const scalars = Object.entries(data).filter(
    ([, value]) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean',
  );
  const ids = scalars.filter(([name]) => /id$|^sku$/i.test(name));
  const rest = scalars.filter(([name]) => !/id$|^sku$/i.test(name) && !/At$/.test(name));
  return [...ids, ...rest]
    .slice(0, max)
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(' ');
};

/** `by <subject> (<role>)` when a request to an API caused the event: the operators' audit trail. */
const actorOf = (envelope: EventEnvelope): string =>
  envelope.actorSubject ? `  by ${envelope.actorSubject} (${envelope.actorRole ?? 'none'})` : '';

export const eventLine = (envelope: EventEnvelope): string =>
  `${envelope.recordedAt}  ${envelope.type}  ${envelope.streamId}@${envelope.streamVersion}  ${keyFields(envelope.data)}${actorOf(envelope)}`.trimEnd();

/** Follows every event topic from now (or the beginning) until Ctrl-C, one line per event. */
export const tailEvents: CommandHandler = async (context) => {
  const { ops } = context;
  const streamFilter = optionText(context.args, 'stream');
  const typeFilter = optionText(context.args, 'type');
  if (typeFilter !== undefined && !isKnownEventType(typeFilter)) {
    throw usageError(
      `unknown event type "${typeFilter}"; e.g. OrderPlaced, StockReserved, PaymentAuthorized, SagaStarted`,
    );
  }
  const prefix = ops.config.topicPrefix;
  const fromBeginning = hasFlag(context.args, 'from-beginning');
  const admin = await ops.admin();
  const existing = new Set(await admin.listTopics());
  const topics = allEventTopics(prefix).filter((topic) => existing.has(topic));
  if (topics.length === 0) throw usageError(`no event topics under the prefix "${prefix}" yet`);
  // "Now" is fixed before joining, so an event produced once the ready line shows is never missed.
  const start = new Map<string, string>();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic))
      start.set(`${topic}:${p.partition}`, fromBeginning ? p.low : p.high);
  }
  const groupId = `${prefix}ops.tail.${randomBytes(4).toString('hex')}`;
  const consumer = ops.kafka().consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
          for (const partition of partitions) {
            const offset = start.get(`${topic}:${partition}`);
            if (offset !== undefined) consumer.seek({ topic, partition, offset });
          }
        }
        resolve();
      });
    });
    await consumer.subscribe({ topics, fromBeginning });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headerText = (name: string) => message.headers?.[name]?.toString();
        if (streamFilter !== undefined && headerText(headerNames.streamId) !== streamFilter) return;
        if (typeFilter !== undefined && headerText(headerNames.eventType) !== typeFilter) return;
        let envelope: EventEnvelope;
        try {
          envelope = fromKafkaMessage(message);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          context.print(
            context.json
              ? JSON.stringify({ topic, partition, offset: message.offset, undecodable: reason })
              : `?  ${topic}/${partition}@${message.offset} cannot be decoded: ${reason}`,
          );
          return;
        }
        context.print(
          context.json
            ? JSON.stringify({
                time: envelope.recordedAt,
                type: envelope.type,
                streamId: envelope.streamId,
                version: envelope.streamVersion,
                position: envelope.position.toString(),
                eventId: envelope.eventId,
                topic,
                partition,
                offset: message.offset,
                ...(envelope.actorSubject
                  ? { actor: { subject: envelope.actorSubject, role: envelope.actorRole ?? 'none' } }
                  : {}),
                data: envelope.data,
              })
            : eventLine(envelope),
        );
      },
    });
    await joined;
    context.stderr.write(
      `tailing ${topics.length} topics${fromBeginning ? ' from the beginning' : ''} (Ctrl-C to stop)\n`,
    );
    await new Promise<void>((resolve) => {
      if (context.signal.aborted) resolve();
      context.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return 0;
};
