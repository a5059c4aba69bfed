import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { migrate } from '../deploy/migrate.ts';
import type { Restock } from '../domain/inventory/commands.ts';
import { inventoryDecider } from '../domain/inventory/inventory-decider.ts';
import { uniqueName } from '../test/support/names.ts';
import { createTestSchema, type TestSchema } from '../test/support/postgres.ts';
import { handleCommand } from './command-handler.ts';
import { PostgresEventStore } from './event-store/postgres/postgres-event-store.ts';

const context = { schema: undefined as unknown as TestSchema, store: undefined as unknown as PostgresEventStore };
const handler = suite('handleCommand on PostgreSQL', context);
handler.before(async (ctx) => {
  ctx.schema = await createTestSchema('command_handler');
  await migrate(ctx.schema.pool);
  ctx.store = new PostgresEventStore(ctx.schema.pool, { ownsPool: false });
});
handler.after(async (ctx) => {
  await ctx.schema.drop();
});

const now = '2025-01-01T10:00:00.000Z';

const registered = async (store: PostgresEventStore): Promise<string> => {
  const sku = uniqueName('sku');
  await handleCommand({
    store,
    decider: inventoryDecider,
    streamId: `inventory-${sku}`,
    command: {
      type: 'RegisterSku',
      data: { sku, name: 'Lamp', unitPrice: 900, initialStock: 0 },
      metadata: { commandId: randomUUID(), now },
    },
  });
  return sku;
};

const restock = (sku: string, quantity: number, commandId = randomUUID()): Restock => ({
  type: 'Restock',
  data: { sku, quantity },
  metadata: { commandId, now },
});

handler('the outcome names the versions and the global position the store recorded', async ({ store }) => {
  const sku = await registered(store);
  const outcome = await handleCommand({
    store,
    decider: inventoryDecider,
    streamId: `inventory-${sku}`,
    command: restock(sku, 4),
    metadata: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  });
  const stored = await store.readStream(`inventory-${sku}`);
  assert.is(outcome.nextExpectedVersion, 1);
  assert.is(outcome.position, stored[1]?.position);
  assert.is(outcome.events[0]?.id, stored[1]?.id);
  assert.equal(stored[1]?.metadata, outcome.events[0]?.metadata);
  assert.is(stored[1]?.metadata.traceparent, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
});

handler('concurrent commands on one stream all land, in consecutive versions', async ({ store }) => {
  const sku = await registered(store);
  const outcomes = await Promise.all(
    [1, 2, 3, 4, 5].map((quantity) =>
      handleCommand({
        store,
        decider: inventoryDecider,
        streamId: `inventory-${sku}`,
        command: restock(sku, quantity),
      }),
    ),
  );
  const stored = await store.readStream(`inventory-${sku}`);
  assert.equal(
    stored.map((event) => event.version),
    [0, 1, 2, 3, 4, 5],
  );
  assert.is((stored[5]!.data as { onHand: number }).onHand, 15);
  assert.equal(outcomes.map((outcome) => outcome.nextExpectedVersion).sort(), [1, 2, 3, 4, 5]);
});

handler('a repeated command id, even concurrent, is applied once and answered with that outcome', async ({ store }) => {
  const sku = await registered(store);
  const commandId = randomUUID();
  const outcomes = await Promise.all(
    [1, 2, 3].map(() =>
      handleCommand({
        store,
        decider: inventoryDecider,
        streamId: `inventory-${sku}`,
        command: restock(sku, 3, commandId),
      }),
    ),
  );
  const stored = await store.readStream(`inventory-${sku}`);
  assert.is(stored.length, 2);
  for (const outcome of outcomes) {
    assert.is(outcome.position, stored[1]?.position);
    assert.is(outcome.events[0]?.id, stored[1]?.id);
  }
});

handler.run();
