import { inventoryProjection } from '../inventory/inventory-projection.ts';
import { inventoryTables } from '../inventory/inventory-tables.ts';
import { ordersProjection } from '../orders/orders-projection.ts';
import { ordersTables } from '../orders/orders-tables.ts';
import { paymentsProjection } from '../payments/payments-projection.ts';
import { paymentsTables } from '../payments/payments-tables.ts';
import type { Projection } from '../projector/projection.ts';
import { readModelNames } from '../read-models.ts';
import { sagasProjection } from '../sagas/sagas-projection.ts';
import { sagasTables } from '../sagas/sagas-tables.ts';
import type { ReadModelShape } from './independent-fold.ts';
import { inventoryShape } from './inventory-fold.ts';
import { ordersShape } from './orders-fold.ts';
import { paymentsShape } from './payments-fold.ts';
import { sagasShape } from './sagas-fold.ts';

/** A PostgreSQL read model a rebuild can rebuild: one table, its projector code, and its independent fold. */
export interface RebuildTarget {
  /** The projection's name: its key in `projection_offsets` and its consumer group. */
  name: string;
  /** The live table. */
  table: string;
  /** Topics without the environment's prefix. */
  topics: readonly string[];
  /** The real projector code, writing into `table` under the projection name `name`. */
  projection(table: string, name: string): Projection;
  /** Its handler never reads a query result, so a rebuild may send its statements in bulk. */
  writeOnlyHandler: boolean;
  shape: ReadModelShape;
}

export const rebuildTargets: readonly RebuildTarget[] = [
  {
    name: 'orders',
    table: ordersTables.orders,
    topics: ordersProjection().topics,
    projection: (table, name) => ordersProjection({ name, tables: { orders: table } }),
    writeOnlyHandler: true,
    shape: ordersShape,
  },
  {
    name: 'inventory',
    table: inventoryTables.inventory,
    topics: inventoryProjection().topics,
    projection: (table, name) => inventoryProjection({ name, tables: { inventory: table } }),
    writeOnlyHandler: true,
    shape: inventoryShape,
  },
  {
    name: 'payments',
    table: paymentsTables.payments,
    topics: paymentsProjection().topics,
    projection: (table, name) => paymentsProjection({ name, tables: { payments: table } }),
    writeOnlyHandler: true,
    shape: paymentsShape,
  },
  {
    name: 'sagas',
    table: sagasTables.sagas,
    topics: sagasProjection().topics,
    projection: (table, name) => sagasProjection({ name, tables: { sagas: table } }),
    writeOnlyHandler: true,
    shape: sagasShape,
  },
];

/** Every read model name an operator may type (the Redis dashboard included). */
export const projectionNames: readonly string[] = readModelNames;

export const rebuildTargetNamed = (name: string): RebuildTarget | undefined =>
  rebuildTargets.find((target) => target.name === name);

/**
 * Why the Redis dashboard is not rebuilt by a shadow swap: its counters are spread over many keys with
 * TTLs and are read by key name, so there is no single pointer to swap atomically.
 */
export const dashboardRebuildRefusal =
  'the Redis dashboard has no shadow rebuild: stop its projector, delete the keys under REDIS_KEY_PREFIX and reset the group (docs/operations.md)';
