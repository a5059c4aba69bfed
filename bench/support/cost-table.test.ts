import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type CostStep, costTables } from './cost-table.ts';

const step = (rate: number, confirmed: number): CostStep => ({
  case: 'spread',
  run: 1,
  rate,
  confirmed,
  cpuMsPerConfirmedOrder: { saga: 4, total: 10 },
  netCpuMsPerConfirmedOrder: { saga: 3.5, total: 8 },
  workPerConfirmedOrder: {
    produced: { 'order-events': 4, 'saga-events': 10 },
    consumed: { saga: 20 },
    projected: { orders: 4 },
    rowsWritten: { events: 20, read_orders: 3 },
    transactions: 40.25,
  },
  loadAverage: { start: [1.5, 1, 1], end: [2, 1, 1] },
});

test('one column per step that confirmed orders; gross and net CPU per process', () => {
  const [cpu, work] = costTables([step(100, 2_000), step(200, 0)]);
  assert.equal(cpu?.columns, ['process', 'spread 100/s (run 1)']);
  assert.equal(cpu?.rows, [
    ['saga', '4.00 / 3.50'],
    ['total', '10.00 / 8.00'],
  ]);
  assert.equal(work?.rows.slice(0, 6), [
    ['Kafka records produced', 14],
    ['Kafka records committed by consumer groups', 20],
    ['records applied by PostgreSQL projections', 4],
    ['rows written (inserted, updated, deleted)', 23],
    ['  of which events', 20],
    ['database transactions (database-wide)', 40.3],
  ]);
  assert.equal(work?.rows[6], ['load average, start -> end', '1.5 -> 2']);
});

test('no table when nothing was confirmed', () => {
  assert.equal(costTables([step(100, 0)]), []);
});

test.run();
