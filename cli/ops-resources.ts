import { Redis } from 'ioredis';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type pg from 'pg';
import { createEventStore } from '../commands/event-store/create-event-store.ts';
import type { EventStore } from '../commands/event-store/event-store.ts';
import { type Config, loadConfig } from '../deploy/config.ts';
import { migrate } from '../deploy/migrate.ts';
import { createPool } from '../platform/postgres.ts';
import type { StoreHead } from '../projections/rebuild/store-source.ts';

/**
 * The connections a command needs, each opened on first use and all closed at the end. Settings come
 * from the same environment as the services (deploy/config.ts); `PGOPTIONS='-c search_path=<schema>'`
 * reaches every PostgreSQL pool.
 */
export class OpsResources {
  readonly config: Config;
  private openPool: pg.Pool | undefined;
  private openKafka: Kafka | undefined;
  private openAdmin: Promise<Admin> | undefined;
  private openRedis: Redis | undefined;
  private openStore: EventStore | undefined;
  private headPool: pg.Pool | undefined;
  private migrated: Promise<unknown> | undefined;

  constructor(config: Config = loadConfig()) {
    this.config = config;
  }

  pool(): pg.Pool {
    if (!this.openPool) {
      // Rebuilds and audits run long statements: no statement timeout. A dropped connection surfaces on the
      // next query, never as a crash; its log line would only repeat the command's error, so there is none.
      this.openPool = createPool({
        connectionString: this.config.databaseUrl,
        name: 'orders-ops',
        max: 8,
        connectTimeoutMs: this.config.postgresConnectTimeoutMs,
        statementTimeoutMs: 0,
        log: () => undefined,
      });
    }
    return this.openPool;
  }

  /** The pool, with the migrations applied (the ops tables included). */
  async migratedPool(): Promise<pg.Pool> {
    const pool = this.pool();
    this.migrated ??= migrate(pool);
    await this.migrated;
    return pool;
  }

  /** kafkajs logs nothing here: every failure reaches the operator as the command's one-line error. */
  kafka(): Kafka {
    this.openKafka ??= new Kafka({
      clientId: 'orders-ops',
      brokers: this.config.kafkaBrokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3_000,
      retry: { retries: 5, initialRetryTime: 100 },
    });
    return this.openKafka;
  }

  admin(): Promise<Admin> {
    this.openAdmin ??= (async () => {
      const admin = this.kafka().admin();
      await admin.connect();
      return admin;
    })();
    return this.openAdmin;
  }

  redis(): Redis {
    if (!this.openRedis) {
      this.openRedis = new Redis(this.config.redisUrl, {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        retryStrategy: (attempt) => (attempt > 2 ? null : 200),
      });
      // A refused connection fails the command that needed it; the event would only repeat it.
      this.openRedis.on('error', () => undefined);
    }
    return this.openRedis;
  }

  store(): EventStore {
    this.openStore ??= createEventStore(this.config.eventStoreUrl, {
      name: 'orders-ops',
      statementTimeoutMs: 0,
      log: () => undefined,
    });
    return this.openStore;
  }

  /** The PostgreSQL store's last position and size; undefined for another store (read to its end instead). */
  async storeHead(): Promise<StoreHead | undefined> {
    if (!/^postgres(ql)?:/i.test(this.config.eventStoreUrl)) return undefined;
    this.headPool ??= createPool({
      connectionString: this.config.eventStoreUrl,
      name: 'orders-ops',
      max: 1,
      statementTimeoutMs: 0,
      log: () => undefined,
    });
    const { rows } = await this.headPool.query<{ head: string | null; events: string }>(
      'SELECT max(position)::text AS head, count(*) AS events FROM events',
    );
    return { position: BigInt(rows[0]?.head ?? '-1'), events: Number(rows[0]?.events ?? 0) };
  }

  async close(): Promise<void> {
    const closing: Promise<unknown>[] = [];
    if (this.openAdmin) closing.push(this.openAdmin.then((admin) => admin.disconnect()));
    if (this.openRedis) closing.push(this.openRedis.quit().catch(() => this.openRedis?.disconnect()));
    if (this.openStore) closing.push(this.openStore.close());
    if (this.openPool) closing.push(this.openPool.end());
    if (this.headPool) closing.push(this.headPool.end());
    await Promise.allSettled(closing);
  }
}
