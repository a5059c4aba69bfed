import type pg from 'pg';
import { isDomainError } from '../../domain/errors.ts';
import { jsonLineLog } from '../kafka/json-line-log.ts';
import { markDeadlinesFired, type StoredDeadline, takeDueDeadlines } from './deadline-store.ts';
import { feedSaga, type SagaStoreDependencies } from './operations.ts';

export interface DeadlinePollerOptions extends SagaStoreDependencies {
  pool: pg.Pool;
  /** Pause between two scans that found less than a full batch. */
  pollMs: number;
  /** Deadlines taken per transaction. */
  batchSize?: number;
  clock?: () => Date;
  log?: (line: Record<string, unknown>) => void;
}

/** One command id per deadline: fed again after a crash, it appends nothing new. */
export const deadlineCommandId = (deadlineId: string): string => `deadline:${deadlineId}`;

/**
 * Fires the saga's stored deadlines. Each due row is taken under `FOR UPDATE SKIP LOCKED`, fed to its saga as
 * `DeadlineReached` and marked fired in the same transaction. A crash between the append and the commit leaves
 * the row unfired; the next scan feeds the same command id again and the saga appends nothing: once in effect.
 */
export class DeadlinePoller {
  private readonly batchSize: number;
  private readonly clock: () => Date;
  private readonly log: (line: Record<string, unknown>) => void;

  constructor(private readonly options: DeadlinePollerOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.clock = options.clock ?? (() => new Date());
    this.log = options.log ?? jsonLineLog;
  }

  /** Fires what is due now; returns how many deadlines it took. */
  async fireDue(): Promise<number> {
    const client = await this.options.pool.connect();
    try {
      await client.query('BEGIN');
      const now = this.clock();
      const due = await takeDueDeadlines(client, now, this.batchSize);
      const fired = await Promise.all(due.map((deadline) => this.fire(deadline, now)));
      await markDeadlinesFired(
        client,
        due.filter((_, index) => fired[index]).map((deadline) => deadline.deadlineId),
        now,
      );
      await client.query('COMMIT');
      return due.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Scans every `pollMs` until the signal aborts; a failed scan is logged and tried again. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let taken = 0;
      try {
        taken = await this.fireDue();
      } catch (error) {
        this.log({ level: 'warn', msg: 'deadline scan failed', error: describe(error) });
      }
      if (taken < this.batchSize) await pause(this.options.pollMs, signal);
    }
  }

  /** False leaves the row for the next scan (the store or the saga was briefly away). */
  private async fire(deadline: StoredDeadline, now: Date): Promise<boolean> {
    const { deadlineId, orderId, name } = deadline;
    try {
      await feedSaga(this.options, orderId, {
        type: 'DeadlineReached',
        data: { deadlineId },
        metadata: {
          commandId: deadlineCommandId(deadlineId),
          now: now.toISOString(),
          correlationId: orderId,
          causationId: deadlineId,
        },
      });
      this.log({ level: 'info', msg: 'deadline fired', orderId, deadlineId, name });
      return true;
    } catch (error) {
      // A refusal will not change on the next scan: the row is marked so it is not fed forever.
      const refused = isDomainError(error);
      this.log({
        level: refused ? 'error' : 'warn',
        msg: refused ? 'deadline refused by the saga' : 'deadline not fired, will retry',
        orderId,
        deadlineId,
        error: describe(error),
      });
      return refused;
    }
  }
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
