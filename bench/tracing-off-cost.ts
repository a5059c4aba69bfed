/**
 * What tracing costs when it is off (no OTEL_EXPORTER_OTLP_ENDPOINT): `npx tsx bench/tracing-off-cost.ts`.
 * Times the helpers every command, publish and consumed record goes through against a bare await.
 * Not a scenario of `npm run bench`: it needs no stack and runs in seconds (docs/observability.md).
 */
import { activeTraceparent, inSpan, SpanKind, startRecordSpans, tracingEnabled } from '../platform/tracing.ts';

if (tracingEnabled()) throw new Error('tracing is on; unset OTEL_EXPORTER_OTLP_ENDPOINT');
const calls = 1_000_000;
const work = async () => 1;
const traceparents = Array.from(
  { length: 10 },
  (_, index) => `00-${'1'.repeat(32)}-${String(index).padStart(16, '0')}-01`,
);

const time = async (label: string, run: () => Promise<unknown>) => {
  for (let i = 0; i < calls / 10; i++) await run();
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await run();
  const ns = Number(process.hrtime.bigint() - start) / calls;
  console.log(`${label.padEnd(44)} ${ns.toFixed(0).padStart(6)} ns per call`);
};

await time('bare await (the baseline)', () => work());
await time('inSpan around it', () => inSpan('command PlaceOrder', { attributes: { stream: 'order-1' } }, work));
await time('activeTraceparent', async () => activeTraceparent());
await time('startRecordSpans for 10 records, then end', async () => {
  const spans = startRecordSpans('relay publish', SpanKind.PRODUCER, traceparents);
  for (let index = 0; index < traceparents.length; index++) spans.traceparent(index);
  spans.end();
});
