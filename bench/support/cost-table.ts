import type { Table } from './scenario.ts';

/** What the cost table needs of one measured step (a subset of the e2e StepOutcome). */
export interface CostStep {
  case: string;
  run: number;
  rate: number;
  confirmed: number;
  cpuMsPerConfirmedOrder: Record<string, number>;
  netCpuMsPerConfirmedOrder: Record<string, number>;
  workPerConfirmedOrder: {
    produced: Record<string, number>;
    consumed: Record<string, number>;
    projected: Record<string, number>;
    rowsWritten: Record<string, number>;
    transactions: number;
  };
  loadAverage: { start: number[]; end: number[] };
}

const sum = (values: Record<string, number>) => Object.values(values).reduce((total, value) => total + value, 0);
const label = (step: CostStep) => `${step.case} ${step.rate}/s (run ${step.run})`;

/**
 * Two tables from the measured steps: CPU milliseconds per confirmed order of every process (gross, and net
 * of idle), and the work one order causes (Kafka records, rows, transactions). One column per step.
 */
export const costTables = (steps: readonly CostStep[]): Table[] => {
  const measured = steps.filter((step) => step.confirmed > 0);
  if (measured.length === 0) return [];
  const processes = [...new Set(measured.flatMap((step) => Object.keys(step.cpuMsPerConfirmedOrder)))];
  const cpu: Table = {
    title: 'CPU ms per confirmed order (gross / net of idle)',
    columns: ['process', ...measured.map(label)],
    rows: processes.map((name) => [
      name,
      ...measured.map(
        (step) =>
          `${(step.cpuMsPerConfirmedOrder[name] ?? 0).toFixed(2)} / ${(step.netCpuMsPerConfirmedOrder[name] ?? 0).toFixed(2)}`,
      ),
    ]),
  };
  const work = (step: CostStep) => step.workPerConfirmedOrder;
  const workRows: [string, (step: CostStep) => number][] = [
    ['Kafka records produced', (step) => sum(work(step).produced)],
    ['Kafka records committed by consumer groups', (step) => sum(work(step).consumed)],
    ['records applied by PostgreSQL projections', (step) => sum(work(step).projected)],
    ['rows written (inserted, updated, deleted)', (step) => sum(work(step).rowsWritten)],
    ['  of which events', (step) => work(step).rowsWritten.events ?? 0],
    ['database transactions (database-wide)', (step) => work(step).transactions],
    ['load average, start -> end', () => Number.NaN],
  ];
  const perOrder: Table = {
    title: 'Work per confirmed order',
    columns: ['what', ...measured.map(label)],
    rows: workRows.map(([name, value]) => [
      name,
      ...measured.map((step) =>
        name.startsWith('load average')
          ? `${step.loadAverage.start[0]} -> ${step.loadAverage.end[0]}`
          : Math.round(value(step) * 10) / 10,
      ),
    ]),
  };
  return [cpu, perOrder];
};
