import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecordedEvent } from '../../commands/event-store/event-store.ts';
import { migrate } from '../../deploy/migrate.ts';
import type { NotificationEvent } from '../../domain/notification/events.ts';
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts';
import { envelopeOf } from '../projector/testing/recorded-events.ts';
import { notificationCounts, notificationSteps } from './notification-queries.ts';
import { notificationsProjection } from './notifications-projection.ts';

const test = suite<{ db: TestSchema }>('notifications read model');

test.before.each(async (context) => {
  context.db = await createTestSchema('read_notifications');
  await migrate(context.db.pool);
});

test.after.each(async (context) => {
  await context.db.drop();
});

const delivery = {
  deliveryId: 'msg_1',
  subscriptionId: 'wh_1',
  orderId: 'o1',
  eventType: 'order.confirmed' as const,
  sourceEventId: 'e1',
};

const recorded = (event: NotificationEvent, version: number): RecordedEvent => ({
  id: `n-${version}`,
  streamId: 'notification-msg_1',
  version,
  position: BigInt(version + 1),
  type: event.type,
  data: event.data,
  metadata: { correlationId: 'o1' },
  recordedAt: new Date('2025-01-01T10:00:00.000Z'),
});

const apply = async (db: TestSchema, events: RecordedEvent[]) => {
  const client = await db.pool.connect();
  try {
    for (const event of events) await notificationsProjection().handle(client, envelopeOf(event));
  } finally {
    client.release();
  }
};

test('the last outcome of each delivery, as timeline steps; replays and late events change nothing', async ({ db }) => {
  const failed = recorded(
    {
      type: 'NotificationFailed',
      data: { ...delivery, attempts: 8, lastStatus: 503, lastError: 'HTTP 503', at: '2025-01-01T10:10:00.000Z' },
    },
    0,
  );
  await apply(db, [failed]);
  assert.equal(await notificationSteps(db.pool, 'o1'), [
    {
      name: 'notify:order.confirmed:wh_1',
      status: 'failed',
      at: '2025-01-01T10:10:00.000Z',
      detail: 'gave up after 8 attempts: HTTP 503',
    },
  ]);
  const sent = recorded(
    { type: 'NotificationSent', data: { ...delivery, attempts: 9, lastStatus: 200, at: '2025-01-01T11:00:00.000Z' } },
    1,
  );
  await apply(db, [sent, failed, sent]);
  assert.equal(await notificationSteps(db.pool, 'o1'), [
    {
      name: 'notify:order.confirmed:wh_1',
      status: 'succeeded',
      at: '2025-01-01T11:00:00.000Z',
      detail: 'delivered after 9 attempts (HTTP 200)',
    },
  ]);
  assert.equal(await notificationSteps(db.pool, 'o2'), []);
  assert.equal(await notificationCounts(db.pool), { sent: 1, failed: 0 });
});

test.run();
