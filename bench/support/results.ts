import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeRevision, MachineDescription } from './machine.ts';
import type { Comparison, Figure, ScenarioResult, Table } from './scenario.ts';
import { median } from './stats.ts';

export const resultsDir = new URL('../results/', import.meta.url).pathname;

export interface BenchReport extends ScenarioResult {
  scenario: string;
  description: string;
  quick: boolean;
  runs: number;
  startedAt: string;
  finishedAt: string;
  machine: MachineDescription;
  code: CodeRevision;
}

/** `2026-11-21T05-47-37Z`: sorts by time and is a valid file name everywhere. */
export const fileTimestamp = (date: Date): string =>
  date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');

export const formatNumber = (value: number): string => {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
};

export const formatRatio = (ratio: number): string => {
  if (!Number.isFinite(ratio)) return String(ratio);
  return ratio >= 1 ? `${ratio.toFixed(2)}x` : `${ratio.toPrecision(2)}x`;
};

const verdict = (comparison: Comparison): string => {
  if (comparison.target === undefined) return '';
  return comparison.ratio >= comparison.target ? `met (>= ${comparison.target}x)` : `MISSED (< ${comparison.target}x)`;
};

const figureTable = (figures: readonly Figure[]): string[] => {
  const lines = ['| case | arm | role | metric | median | runs |', '| --- | --- | --- | --- | ---: | --- |'];
  for (const figure of figures) {
    const unit = figure.unit ? ` ${figure.unit}` : '';
    const runs = figure.samples.map(formatNumber).join(', ');
    lines.push(
      `| ${figure.case} | ${figure.arm} | ${figure.role} | ${figure.metric} | ${formatNumber(figure.median)}${unit} | ${runs} |`,
    );
  }
  return lines;
};

const comparisonTable = (comparisons: readonly Comparison[]): string[] => {
  const lines = [
    '| case | metric | ours | against | ratio of medians | median of per-run ratios | per-run ratios | target |',
    '| --- | --- | --- | --- | ---: | ---: | --- | --- |',
  ];
  for (const c of comparisons) {
    const paired = c.pairedRatios.map(formatRatio).join(', ');
    const pairedMedian = formatRatio(median(c.pairedRatios));
    lines.push(
      `| ${c.case} | ${c.metric} | ${c.ours} | ${c.against} (${c.role}) | ${formatRatio(c.ratio)} | ${pairedMedian} | ${paired} | ${verdict(c)} |`,
    );
  }
  return lines;
};

const machineLines = (machine: MachineDescription): string[] => [
  `- CPU: ${machine.cpuModel}, ${machine.cores} cores; memory ${machine.memoryGiB} GiB; ${machine.os}`,
  `- Node ${machine.node}; ${machine.java}`,
  `- ${machine.postgres}`,
  `- PostgreSQL settings: ${Object.entries(machine.postgresSettings)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ')}`,
  `- Kafka: ${machine.kafka}`,
  `- Libraries: ${Object.entries(machine.libraries)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')}`,
  `- Load average (1/5/15 min) at start: ${machine.loadAverageAtStart.join(' / ')}; at end: ${
    machine.loadAverageAtEnd?.join(' / ') ?? 'n/a'
  }`,
  `- uptime at start: \`${machine.uptimeAtStart}\``,
];

const cell = (value: string | number) => (typeof value === 'number' ? formatNumber(value) : value);

const markdownTable = (table: Table): string[] => [
  `## ${table.title}`,
  '',
  `| ${table.columns.join(' | ')} |`,
  `| ${table.columns.map((_, index) => (index === 0 ? '---' : '---:')).join(' | ')} |`,
  ...table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  '',
];

export const toMarkdown = (report: BenchReport): string =>
  [
    `# Benchmark \`${report.scenario}\`${report.quick ? ' (quick smoke run: not a figure to quote)' : ''}`,
    '',
    report.description,
    '',
    `Started ${report.startedAt}, finished ${report.finishedAt}. Every figure is the median of ${report.runs} runs;`,
    'the arms ran interleaved (ours, peer, limit, ours, ...).',
    '',
    ...(report.headline
      ? ['## Headline', '', ...Object.entries(report.headline).map(([name, value]) => `- ${name}: ${value}`), '']
      : []),
    '## Machine',
    '',
    ...machineLines(report.machine),
    '',
    '## Code',
    '',
    `- Commit: ${report.code.commit}`,
    `- Uncommitted changes measured: ${report.code.uncommitted.length === 0 ? 'none' : report.code.uncommitted.map((line) => `\`${line.trim()}\``).join(', ')}`,
    '',
    '## Inputs',
    '',
    ...Object.entries(report.inputs).map(([name, value]) => `- ${name}: ${JSON.stringify(value)}`),
    '',
    '## Ratios',
    '',
    ...comparisonTable(report.comparisons),
    '',
    '## Figures',
    '',
    ...figureTable(report.figures),
    '',
    ...(report.tables ?? []).flatMap(markdownTable),
    ...(report.notes.length > 0 ? ['## Notes', '', ...report.notes.map((note) => `- ${note}`), ''] : []),
  ].join('\n');

/** Writes `bench/results/<scenario>-<timestamp>.json` and `.md`; answers both paths. */
export const writeReport = (report: BenchReport): { json: string; markdown: string } => {
  mkdirSync(resultsDir, { recursive: true });
  const base = join(resultsDir, `${report.scenario}-${fileTimestamp(new Date(report.startedAt))}`);
  const json = `${base}.json`;
  const markdown = `${base}.md`;
  const replacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);
  writeFileSync(json, `${JSON.stringify(report, replacer, 2)}\n`);
  writeFileSync(markdown, toMarkdown(report));
  return { json, markdown };
};

/** The lines printed at the end of a run: one per comparison. */
export const ratioLines = (comparisons: readonly Comparison[]): string[] =>
  comparisons.map((c) => {
    const target = verdict(c);
    const perRun = c.pairedRatios.map(formatRatio).join(', ');
    return `${c.case} | ${c.metric} | ${c.ours} / ${c.against}: ${formatRatio(c.ratio)}${target ? `  ${target}` : ''}  (per run: ${perRun})`;
  });
