import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { orderHistory } from '../projections/rebuild/testing/event-mix.ts';
import { createRebuildFixture, type RebuildFixture } from '../projections/rebuild/testing/rebuild-fixture.ts';
import { type CliResult, cliEnvironment, startCli } from './testing/run-cli.ts';

const test = suite<{ fx: RebuildFixture }>('orders-ops events tail');

test.before.each(async (context) => {
  context.fx = await createRebuildFixture('ops_tail');
});

test.after.each(async (context) => {
  await context.fx.close();
});

test('follows new events only, filtered, one decoded line each, until Ctrl-C', async ({ fx }) => {
  await fx.produce(orderHistory('before', 3));
  const env = cliEnvironment(fx.db.schema, fx.prefix);
  const all = startCli(['events', 'tail'], env);
  const oneStream = startCli(['events', 'tail', '--stream', 'order-t2', '--json'], env);
  const oneType = startCli(['events', 'tail', '--type', 'OrderConfirmed', '--json'], env);
  const history = startCli(['events', 'tail', '--from-beginning', '--json'], env);
  const tails = [all, oneStream, oneType, history];
  try {
    await Promise.all(tails.map((tail) => tail.waitFor(/tailing \d+ topics/)));
    await fx.produce([...orderHistory('t1', 3), ...orderHistory('t2', 4)]);
    await all.waitFor(/^(.*\n){4}/, 'stdout');
    await oneStream.waitFor(/"streamId":"order-t2","version":1/, 'stdout');
    await oneType.waitFor(/order-t1[\s\S]*order-t2|order-t2[\s\S]*order-t1/, 'stdout');
    await history.waitFor(/"streamId":"order-t2","version":1/, 'stdout');
  } finally {
    for (const tail of tails) tail.child.kill('SIGINT');
  }
  const [human, stream, type, fromStart] = (await Promise.all(tails.map((tail) => tail.done))) as [
    CliResult,
    CliResult,
    CliResult,
    CliResult,
  ];
  for (const result of [human, stream, type, fromStart]) assert.is(result.code, 0, result.stderr);

  const lines = human.stdout.trimEnd().split('\n');
  assert.is(lines.length, 4, human.stdout);
  assert.match(
    lines.find((line) => line.includes('OrderPlaced  order-t1@0'))!,
    /^\d{4}-\d\d-\d\dT[\d:.]+Z {2}OrderPlaced {2}order-t1@0 {2}orderId=t1 customerId=c3 total=\d+ currency=EUR$/,
  );
  assert.not.match(human.stdout, /before/);

  const streamEvents = stream.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.equal(
    streamEvents.map((e) => [e.type, e.streamId, e.version]),
    [
      ['OrderPlaced', 'order-t2', 0],
      ['OrderConfirmed', 'order-t2', 1],
    ],
  );
  assert.is(streamEvents[0].data.orderId, 't2');
  assert.match(streamEvents[0].time, /^\d{4}-/);
  assert.equal(
    type.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line).streamId)
      .sort(),
    ['order-t1', 'order-t2'],
  );
  assert.ok(fromStart.stdout.includes('"streamId":"order-before"'));
});

test.run();
