import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventEnvelope } from '../schemas/kafka-envelope.ts';
import { eventLine, keyFields } from './events-commands.ts';

const test = suite('events tail lines');

test('time, type, stream@version, then ids and a few scalar fields', () => {
  const envelope = {
    recordedAt: '2024-05-01T10:00:00.000Z',
    type: 'StockReserved',
    streamId: 'inventory-sku-a',
    streamVersion: 4,
    data: { quantity: 2, sku: 'sku-a', orderId: 'o1', onHand: 10, available: 8, reservedAt: 'x', lines: [1] },
  } as unknown as EventEnvelope;
  assert.is(
    eventLine(envelope),
    '2024-05-01T10:00:00.000Z  StockReserved  inventory-sku-a@4  sku=sku-a orderId=o1 quantity=2 onHand=10 available=8',
  );
  assert.is(keyFields(null), '');
  assert.is(keyFields({ a: 1, b: 2, c: 3 }, 2), 'a=1 b=2');
});

test('an event a request caused names its actor: the audit trail', () => {
  const envelope = {
    recordedAt: '2024-05-01T10:00:00.000Z',
    type: 'PointsGranted',
    streamId: 'points-c1',
    streamVersion: 0,
    actorSubject: 'alice',
    actorRole: 'operator',
    data: { customerId: 'c1', amount: 5 },
  } as unknown as EventEnvelope;
  assert.is(
    eventLine(envelope),
    '2024-05-01T10:00:00.000Z  PointsGranted  points-c1@0  customerId=c1 amount=5  by alice (operator)',
  );
});

test.run();
