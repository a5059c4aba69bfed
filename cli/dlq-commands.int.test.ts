import type { KafkaMessage } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureTopics } from '../deploy/topics.ts';
import { deadLetterTopic, toDeadLetter } from '../projections/kafka/dead-letter.ts';
import { recordedEvent } from '../projections/projector/testing/recorded-events.ts';
import { createRebuildFixture, type RebuildFixture } from '../projections/rebuild/testing/rebuild-fixture.ts';
import { toKafkaMessage } from '../schemas/kafka-envelope.ts';
import { collectRecords } from '../test/support/kafka.ts';
import { waitFor } from '../test/support/wait.ts';
import { cliEnvironment, runCli } from './testing/run-cli.ts';

const test = suite<{ fx: RebuildFixture }>('orders-ops dlq');

test.before.each(async (context) => {
  context.fx = await createRebuildFixture('ops_dlq');
});

test.after.each(async (context) => {
  await context.fx.close();
});

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

/** A record as a consumer received it from `order-events`, partition 2. */
const received = (offset: number, value: Buffer, headers: KafkaMessage['headers'], key = 'order-x'): KafkaMessage =>
  ({
    key: Buffer.from(key),
    value,
    headers,
    offset: String(offset),
    timestamp: String(Date.now()),
    attributes: 0,
    size: 0,
  }) as KafkaMessage;

test('list, show, replay and purge dead letters', async ({ fx }) => {
  const ordersGroup = `${fx.prefix}projector.orders`;
  const sagaGroup = `${fx.prefix}saga`;
  const ordersDlq = deadLetterTopic(ordersGroup, fx.prefix);
  const sagaDlq = deadLetterTopic(sagaGroup, fx.prefix);
  const origin = `${fx.prefix}order-events`;
  await ensureTopics(fx.brokers, [{ name: ordersDlq }, { name: sagaDlq }]);
  const event = toKafkaMessage(
    recordedEvent('order-d1', 0, 'OrderPlaced', {
      orderId: 'd1',
      customerId: 'c1',
      lines: [{ sku: 'sku-a', quantity: 1, unitPrice: 100 }],
      total: 100,
      currency: 'EUR',
      payment: [{ method: 'card', amount: 100, token: 'tok_ok' }],
      placedAt: '2024-05-01T10:00:00.000Z',
    }),
  );
  const valid = received(5, event.value as Buffer, event.headers, 'order-d1');
  const nineDaysAgo = daysAgo(9);
  const letter = (groupId: string, message: KafkaMessage, reason: string, at: Date) => ({
    ...toDeadLetter({ groupId, topic: origin, partition: 2, message }, reason, at),
    partition: 0,
  });
  await fx.producer.send({
    topic: ordersDlq,
    acks: -1,
    messages: [
      letter(
        ordersGroup,
        received(3, Buffer.from('garbage'), { 'event-type': 'OrderPlaced' }),
        'record has no event-id header',
        daysAgo(10),
      ),
      letter(ordersGroup, valid, 'no handler for event type OrderPlaced', nineDaysAgo),
      letter(ordersGroup, received(7, Buffer.from('more garbage'), {}), 'record has no event-type header', daysAgo(1)),
    ],
  });
  await fx.producer.send({
    topic: sagaDlq,
    acks: -1,
    messages: [letter(sagaGroup, valid, 'saga refused: order_confirmed', new Date())],
  });
  const env = cliEnvironment(fx.db.schema, fx.prefix);
  const idOf = (topic: string, offset: number) => `${topic}:0:${offset}`;

  const [listed, ofGroup, unknownGroup, table, shown, shownHuman, missing, notDlq] = await Promise.all([
    runCli(['dlq', 'list', '--json'], env),
    runCli(['dlq', 'list', '--group', 'projector.orders', '--json'], env),
    runCli(['dlq', 'list', '--group', 'nope'], env),
    runCli(['dlq', 'list'], env),
    runCli(['dlq', 'show', idOf(ordersDlq, 1), '--json'], env),
    runCli(['dlq', 'show', idOf(ordersDlq, 0)], env),
    runCli(['dlq', 'show', idOf(ordersDlq, 99)], env),
    runCli(['dlq', 'show', `${origin}:0:0`], env),
  ]);
  assert.is(listed.code, 0, listed.stderr);
  const letters = listed.json().deadLetters;
  assert.equal(
    letters.map((l: { id: string }) => l.id),
    [idOf(ordersDlq, 0), idOf(ordersDlq, 1), idOf(ordersDlq, 2), idOf(sagaDlq, 0)],
  );
  assert.equal(letters[1], {
    id: idOf(ordersDlq, 1),
    group: ordersGroup,
    dlqTopic: ordersDlq,
    partition: 0,
    offset: '1',
    origin: { topic: origin, partition: 2, offset: '5' },
    reason: 'no handler for event type OrderPlaced',
    failedAt: nineDaysAgo.toISOString(),
    replayed: false,
    replayedAt: null,
  });
  assert.is(ofGroup.json().deadLetters.length, 3);
  assert.is(unknownGroup.code, 3);
  assert.match(
    unknownGroup.stderr,
    /^orders-ops: no dead-letter topic for group "nope"; groups with one: .*projector\.orders.*\n$/,
  );
  assert.match(table.stdout, /^ID\s+GROUP\s+ORIGIN\s+REASON\s+FAILED AT\s+REPLAYED$/m);
  assert.match(
    table.stdout,
    new RegExp(
      `^${idOf(ordersDlq, 1).replace(/\./g, '\\.')}\\s+${ordersGroup.replace(/\./g, '\\.')}\\s+${origin.replace(/\./g, '\\.')}/2@5\\s+no handler`,
      'm',
    ),
  );

  assert.is(shown.code, 0, shown.stderr);
  const detail = shown.json();
  assert.is(detail.headers['event-type'], 'OrderPlaced');
  assert.is(detail.headers['dlq-origin-offset'], '5');
  assert.is(detail.key, 'order-d1');
  assert.is(detail.value.decoded.type, 'OrderPlaced');
  assert.is(detail.value.decoded.data.orderId, 'd1');
  assert.match(shownHuman.stdout, /^ {4}not decodable: /m);
  assert.match(shownHuman.stdout, /^ {2}reason {5}record has no event-id header$/m);
  assert.is(missing.code, 3);
  assert.is(missing.stderr, `orders-ops: no dead letter ${idOf(ordersDlq, 99)}\n`);
  assert.is(notDlq.code, 2);

  const replayed = await runCli(['dlq', 'replay', idOf(ordersDlq, 1), '--json'], env);
  assert.is(replayed.code, 0, replayed.stderr);
  const [copy] = replayed.json().replayed;
  assert.equal({ topic: copy.topic, partition: copy.partition }, { topic: origin, partition: 2 });
  const originRecords = await collectRecords([origin]);
  try {
    const back = await waitFor(() => originRecords.records.find((r) => r.offset === copy.offset && r.partition === 2), {
      what: 'the replayed record in its origin topic',
    });
    assert.is(back.key, 'order-d1');
    assert.ok(back.value?.equals(event.value as Buffer));
    assert.is(back.headers['event-id'], String((event.headers as Record<string, string>)['event-id']));
    assert.equal(
      Object.keys(back.headers).filter((name) => name.startsWith('dlq-')),
      [],
    );
  } finally {
    await originRecords.stop();
  }
  const afterOne = (await runCli(['dlq', 'list', '--json'], env)).json().deadLetters;
  assert.equal(
    afterOne.map((l: { replayed: boolean }) => l.replayed),
    [false, true, false, false],
  );

  const all = await runCli(['dlq', 'replay', '--all', '--json'], env);
  assert.is(all.code, 0, all.stderr);
  assert.equal(
    all.json().replayed.map((r: { id: string }) => r.id),
    [idOf(ordersDlq, 0), idOf(ordersDlq, 2), idOf(sagaDlq, 0)],
  );
  const again = await runCli(['dlq', 'replay', '--all'], env);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, /^0 replayed, 0 skipped$/m);

  const purged = await runCli(['dlq', 'purge', '--older-than', '7d', '--json'], env);
  assert.is(purged.code, 0, purged.stderr);
  assert.is(purged.json().deleted, 2);
  assert.equal(purged.json().partitions, [{ topic: ordersDlq, partition: 0, deleted: 2, firstKept: '2' }]);
  const left = (await runCli(['dlq', 'list', '--json'], env)).json().deadLetters;
  assert.equal(
    left.map((l: { id: string }) => l.id),
    [idOf(ordersDlq, 2), idOf(sagaDlq, 0)],
  );
  const nothingOlder = await runCli(['dlq', 'purge', '--older-than', '12h'], env);
  assert.is(nothingOlder.code, 0, nothingOlder.stderr);
  assert.match(nothingOlder.stdout, /^1 dead letter\(s\) older than .* deleted$/m);
});

test.run();
