/**
 * Which accepted orders have settled, and when, from events seen once each: the order's final event at its
 * Kafka partition and offset, the read model's stored offset for that partition, and the saga's final event.
 * An order is "confirmed" when the orders read model (what GET /orders/:id answers from) has applied its
 * OrderConfirmed: the projector stores its next offset per partition in the same transaction as the rows,
 * so a stored next offset above the event's offset means the row is visible. Every call costs O(1) per
 * order it settles, whatever the backlog: nothing re-asks about unsettled orders.
 */

export type OrderOutcome = 'confirmed' | 'cancelled';

interface Accepted {
  step: string;
  scheduledAt: number;
}

interface Ended {
  orderId: string;
  outcome: OrderOutcome;
  offset: number;
}

export interface StepSettlement {
  /** Orders answered 202. */
  accepted: number;
  confirmed: number;
  cancelled: number;
  /** Scheduled -> confirmed visible in the read model, ms. */
  confirmedLatencies: number[];
  /** Scheduled -> the saga's final event recorded, ms. */
  sagaLatencies: number[];
}

const emptySettlement = (): StepSettlement => ({
  accepted: 0,
  confirmed: 0,
  cancelled: 0,
  confirmedLatencies: [],
  sagaLatencies: [],
});

export class SettleTracker {
  readonly #accepted = new Map<string, Accepted>();
  /** Per partition, final order events in offset order, waiting for the read model to pass them. */
  readonly #waiting = new Map<number, Ended[]>();
  /** Settled (or saga-finished) before the generator's answer arrived: matched when it does. */
  readonly #visibleEarly = new Map<string, { outcome: OrderOutcome; at: number }>();
  readonly #sagaEarly = new Map<string, number>();
  /** Orders whose saga end is still to come. */
  readonly #sagaPending = new Map<string, Accepted>();
  readonly #steps = new Map<string, StepSettlement>();
  #unsettled = 0;
  /** Final events seen so far, whoever they belong to: tells a stalled watcher from a stalled system. */
  readonly seen = { orderEnds: 0, sagaEnds: 0 };

  stepOf(step: string): StepSettlement {
    let settlement = this.#steps.get(step);
    if (!settlement) {
      settlement = emptySettlement();
      this.#steps.set(step, settlement);
    }
    return settlement;
  }

  /** Accepted orders that are neither confirmed nor cancelled in the read model yet. */
  get unsettled(): number {
    return this.#unsettled;
  }

  accepted(orderId: string, step: string, scheduledAt: number): void {
    const entry = { step, scheduledAt };
    this.stepOf(step).accepted++;
    const early = this.#visibleEarly.get(orderId);
    if (early) {
      this.#visibleEarly.delete(orderId);
      this.#settle(entry, early.outcome, early.at);
    } else {
      this.#accepted.set(orderId, entry);
      this.#unsettled++;
    }
    const sagaAt = this.#sagaEarly.get(orderId);
    if (sagaAt === undefined) this.#sagaPending.set(orderId, entry);
    else {
      this.#sagaEarly.delete(orderId);
      this.stepOf(step).sagaLatencies.push(sagaAt - scheduledAt);
    }
  }

  /** The order's final event, at its partition and offset of the order topic (offsets rise per partition). */
  orderEnded(orderId: string, outcome: OrderOutcome, partition: number, offset: number): void {
    this.seen.orderEnds++;
    let queue = this.#waiting.get(partition);
    if (!queue) {
      queue = [];
      this.#waiting.set(partition, queue);
    }
    queue.push({ orderId, outcome, offset });
  }

  /** The read model has applied every record of `partition` below `nextOffset`, as seen at `at`. */
  readModelAt(partition: number, nextOffset: number, at: number): void {
    const queue = this.#waiting.get(partition);
    if (!queue) return;
    let taken = 0;
    while (taken < queue.length && (queue[taken] as Ended).offset < nextOffset) {
      const { orderId, outcome } = queue[taken] as Ended;
      taken++;
      const entry = this.#accepted.get(orderId);
      if (entry) {
        this.#accepted.delete(orderId);
        this.#unsettled--;
        this.#settle(entry, outcome, at);
      } else this.#visibleEarly.set(orderId, { outcome, at });
    }
    if (taken > 0) queue.splice(0, taken);
  }

  /** The saga's final event (completed or compensated), recorded at `at`. */
  sagaEnded(orderId: string, at: number): void {
    this.seen.sagaEnds++;
    const entry = this.#sagaPending.get(orderId);
    if (!entry) {
      this.#sagaEarly.set(orderId, at);
      return;
    }
    this.#sagaPending.delete(orderId);
    this.stepOf(entry.step).sagaLatencies.push(at - entry.scheduledAt);
  }

  #settle(entry: Accepted, outcome: OrderOutcome, at: number): void {
    const settlement = this.stepOf(entry.step);
    if (outcome === 'cancelled') {
      settlement.cancelled++;
      return;
    }
    settlement.confirmed++;
    settlement.confirmedLatencies.push(at - entry.scheduledAt);
  }
}
