import type pg from 'pg';

/**
 * Only one relay publishes at a time: a second instance waits as a hot standby. The lock is a
 * session advisory lock, so it is released the moment the leader's connection dies (kill -9 included).
 * Advisory locks are database-wide: the key includes the schema, so relays of event stores in other schemas
 * of the same database (side-by-side environments, tests) never wait for each other.
 */
export class RelayLeadership {
  private client: pg.PoolClient | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly name: string,
  ) {}

  async tryAcquire(): Promise<boolean> {
    if (this.client) return true;
    const client = await this.pool.connect();
    let rows: { locked: boolean }[];
    try {
      ({ rows } = await client.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_lock(hashtext('relay:' || current_schema() || ':' || $1)) AS locked",
        [this.name],
      ));
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    if (rows[0]?.locked) {
      this.client = client;
      // The lock lives as long as this connection: when it dies (a PostgreSQL restart) so does the lead,
      // and the next turn must win it again rather than publish beside a relay that took it meanwhile.
      client.once('error', (error) => {
        if (this.client !== client) return;
        this.client = undefined;
        client.release(error);
      });
      return true;
    }
    client.release();
    return false;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await client.query("SELECT pg_advisory_unlock(hashtext('relay:' || current_schema() || ':' || $1))", [this.name]);
      client.release();
    } catch (error) {
      // A connection that cannot unlock is dropped, which releases the lock as well.
      client.release(error as Error);
      throw error;
    }
  }
}
