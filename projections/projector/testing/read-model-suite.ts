import { suite, type Test } from 'uvu';
import type { RecordedEvent } from '../../../commands/event-store/event-store.ts';
import { migrate } from '../../../deploy/migrate.ts';
import { createTestSchema, type TestSchema } from '../../../test/support/postgres.ts';
import type { Projection } from '../projection.ts';
import { envelopeOf } from './recorded-events.ts';

export interface ReadModelSuite {
  /** Each test gets `db`: a fresh schema with every migration applied, dropped after the test. */
  test: Test<{ db: TestSchema }>;
  /** Hands the events to the projection in order, on one connection, as a projector decodes them. */
  apply(db: TestSchema, events: RecordedEvent[]): Promise<void>;
}

/** The setup every read-model test shares; `inTransaction` wraps each `apply` in BEGIN … COMMIT. */
export const readModelSuite = (
  title: string,
  schemaPrefix: string,
  projection: Projection,
  { inTransaction = false }: { inTransaction?: boolean } = {},
): ReadModelSuite => {
  const test = suite<{ db: TestSchema }>(title);

  test.before.each(async (context) => {
    context.db = await createTestSchema(schemaPrefix);
    await migrate(context.db.pool);
  });

  test.after.each(async (context) => {
    await context.db.drop();
  });

  const apply = async (db: TestSchema, events: RecordedEvent[]) => {
    const client = await db.pool.connect();
    try {
      if (inTransaction) await client.query('BEGIN');
      for (const event of events) await projection.handle(client, envelopeOf(event));
      if (inTransaction) await client.query('COMMIT');
    } finally {
      client.release();
    }
  };

  return { test, apply };
};
