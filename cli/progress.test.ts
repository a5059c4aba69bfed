import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { progressLine, progressReporter } from './progress.ts';

const test = suite('rebuild progress');

const recorder = (isTTY: boolean) => {
  const written: string[] = [];
  return { written, sink: { isTTY, columns: 200, write: (text: string) => written.push(text) } };
};

test('a line gives the count, the share, the rate and the time left', () => {
  assert.is(
    progressLine('rebuild orders', { phase: 'reading', done: 25_000, total: 100_000 }, 2_000),
    'rebuild orders: reading 25,000/100,000 events (25%), 12,500 events/s, ETA 6s',
  );
  assert.is(
    progressLine('rebuild orders', { phase: 'reading', done: 10, total: 1_000_000 }, 1_000),
    'rebuild orders: reading 10/1,000,000 events (0%), 10 events/s, ETA 27h46m',
  );
  assert.is(
    progressLine('rebuild orders', { phase: 'catching-up', done: 5 }, 1_000),
    'rebuild orders: catching-up 5 events, 5 events/s',
  );
  assert.match(progressLine('x', { phase: 'reading', done: 1, total: 100 }, 100), /ETA 10s$/);
  assert.is(progressLine('rebuild orders', { phase: 'swapping', done: 0 }, 1_000), 'rebuild orders: swapping');
});

test('without a terminal: a line per phase, every interval, and how each phase ended', () => {
  let clock = 0;
  const { written, sink } = recorder(false);
  const progress = progressReporter('rebuild x', sink, { intervalMs: 1_000, now: () => clock });
  progress.update({ phase: 'reading', done: 0, total: 100 });
  clock = 500;
  progress.update({ phase: 'reading', done: 40, total: 100 });
  clock = 1_000;
  progress.update({ phase: 'reading', done: 80, total: 100 });
  clock = 1_200;
  progress.update({ phase: 'reading', done: 100, total: 100 });
  progress.update({ phase: 'indexing', done: 0 });
  progress.finish();
  assert.equal(written, [
    'rebuild x: reading 0/100 events (0%), 0 events/s\n',
    'rebuild x: reading 80/100 events (80%), 80 events/s, ETA 0s\n',
    'rebuild x: reading 100/100 events (100%), 83 events/s, ETA 0s\n',
    'rebuild x: indexing\n',
  ]);
  assert.ok(written.every((text) => !text.includes('\r')));
});

test('on a terminal: one bar redrawn in place, ended with a newline', () => {
  let clock = 0;
  const { written, sink } = recorder(true);
  const progress = progressReporter('rebuild x', sink, { now: () => clock });
  progress.update({ phase: 'reading', done: 0, total: 100 });
  clock = 50;
  progress.update({ phase: 'reading', done: 10, total: 100 });
  clock = 200;
  progress.update({ phase: 'reading', done: 50, total: 100 });
  progress.finish();
  assert.is(written.length, 3);
  assert.ok(written[1]!.startsWith('\r\u001b[2K'), 'redrawn in place');
  assert.match(
    written[1]!.slice(5),
    /^\[#{12}-{12}\] rebuild x: reading 50\/100 events \(50%\), 250 events\/s, ETA 0s$/,
  );
  assert.is(written.at(-1), '\n');
});

test.run();
