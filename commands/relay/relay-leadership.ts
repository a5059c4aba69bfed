import type pg from 'pg';

/**
 * Only one relay publishes at a time: a second instance waits as a hot standby. The lock is a
 * session advisory lock, so it is released the moment the leader's connection dies (kill -9 included).
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
    const { rows } = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock(hashtext('relay:' || $1)) AS locked",
      [this.name],
    );
    if (rows[0]?.locked) {
      this.client = client;
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
      await client.query("SELECT pg_advisory_unlock(hashtext('relay:' || $1))", [this.name]);
    } finally {
      client.release();
    }
  }
}
