import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger, type LogLine, logTo, prettyLine, prettyLogs } from './logger.ts';

const captured = (service: string) => {
  const lines: string[] = [];
  const logger = createLogger(service, { write: (chunk: string) => void lines.push(chunk) });
  return { logger, records: () => lines.map((line) => JSON.parse(line) as LogLine) };
};

test('every line has time (ISO 8601), level by name, service, pid and msg, then its fields', () => {
  const { logger, records } = captured('relay');
  logger.warn({ orderId: 'o-1', eventId: 'e-1' }, 'event parked');
  const [record] = records();
  assert.is(record?.level, 'warn');
  assert.is(record?.service, 'relay');
  assert.is(record?.pid, process.pid);
  assert.is(record?.msg, 'event parked');
  assert.is(record?.orderId, 'o-1');
  assert.is(record?.eventId, 'e-1');
  assert.ok(!Number.isNaN(Date.parse(String(record?.time))), String(record?.time));
  assert.match(String(record?.time), /^\d{4}-\d\d-\d\dT/);
});

test("the components' log lines keep their level and fields; an unknown level is info", () => {
  const { logger, records } = captured('saga');
  const log = logTo(() => logger);
  log({ level: 'error', msg: 'deadline refused', orderId: 'o-2' });
  log({ level: 'WARN', msg: 'shouting' });
  log({ msg: 'no level' });
  log({ level: 'loud', msg: 'odd level' });
  assert.equal(
    records().map(({ level, msg }) => [level, msg]),
    [
      ['error', 'deadline refused'],
      ['warn', 'shouting'],
      ['info', 'no level'],
      ['info', 'odd level'],
    ],
  );
  assert.is(records()[0]?.orderId, 'o-2');
});

test('LOG_LEVEL filters', () => {
  const before = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'warn';
  try {
    const { logger, records } = captured('projectors');
    logger.info('hidden');
    logger.debug('hidden too');
    logger.error('shown');
    assert.equal(
      records().map((record) => record.msg),
      ['shown'],
    );
  } finally {
    if (before === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = before;
  }
});

test('readable on a terminal, JSON when piped, either forced by LOG_FORMAT', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  assert.is(prettyLogs({}, tty), true);
  assert.is(prettyLogs({}, pipe), false);
  assert.is(prettyLogs({ LOG_FORMAT: 'json' }, tty), false);
  assert.is(prettyLogs({ LOG_FORMAT: 'pretty' }, pipe), true);
});

test('a JSON line of a child process is shown readable; other text as it is', () => {
  const pretty = prettyLine();
  const shown = pretty(
    JSON.stringify({ level: 'warn', time: '2026-12-03T12:00:00.000Z', service: 'relay', msg: 'relay turn failed' }),
  );
  assert.match(shown, /WARN/);
  assert.match(shown, /relay turn failed/);
  assert.not.match(shown, /^\{/);
  assert.is(pretty('Error: boom'), 'Error: boom');
  assert.is(pretty('{not json'), '{not json');
});

test.run();
