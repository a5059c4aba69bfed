import type pg from 'pg';

/** The relay's position in the store's global order, kept in PostgreSQL whichever store is in use. */
export class RelayCheckpoint {
  constructor(
    private readonly pool: pg.Pool,
    readonly name: string,
  ) {}

  async load(): Promise<bigint> {
    const { rows } = await this.pool.query<{ position: string }>(
      'SELECT position FROM relay_checkpoints WHERE name = $1',
      [this.name],
    );
    return rows[0] ? BigInt(rows[0].position) : -1n;
  }

  /** Never moves backwards, so a slow, deposed relay cannot rewind a newer one. */
  async save(position: bigint): Promise<void> {
    await this.pool.query(
      `INSERT INTO relay_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = GREATEST(relay_checkpoints.position, EXCLUDED.position), updated_at = now()`,
      [this.name, position.toString()],
    );
  }
}
