import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ServiceUnavailable, unavailableDependencyOf } from './unavailable.ts';

const test = suite('unavailableDependencyOf');

const withFields = (message: string, fields: Record<string, unknown>, name = 'Error') =>
  Object.assign(Object.assign(new Error(message), { name }), fields);

test('PostgreSQL going away, starting, refusing or timing out a statement', () => {
  for (const error of [
    withFields('terminating connection due to administrator command', { code: '57P01' }),
    withFields('the database system is starting up', { code: '57P03' }),
    withFields('the database system is shutting down', { code: '57P03' }),
    withFields('canceling statement due to statement timeout', { code: '57014' }),
    withFields('sorry, too many clients already', { code: '53300' }),
    withFields('connection failure', { code: '08006' }),
    withFields('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
    new Error('Client has encountered a connection error and is not queryable'),
  ]) {
    assert.is(unavailableDependencyOf(error), 'postgres', error.message);
  }
});

test('Redis, Kafka, EventStoreDB and a refusal of our own', () => {
  assert.is(unavailableDependencyOf(new Error('Connection is closed.')), 'redis');
  assert.is(
    unavailableDependencyOf(withFields('Reached the max retries per request limit', {}, 'MaxRetriesPerRequestError')),
    'redis',
  );
  assert.is(unavailableDependencyOf(withFields('Connection timeout', {}, 'KafkaJSConnectionError')), 'kafka');
  assert.is(unavailableDependencyOf(withFields('14 UNAVAILABLE', {}, 'UnavailableError')), 'eventstoredb');
  assert.is(unavailableDependencyOf(new ServiceUnavailable('capacity', 'append queue full')), 'capacity');
});

test('a wrapped cause counts; a bug, a constraint violation or a non-error does not', () => {
  assert.is(
    unavailableDependencyOf(new Error('append failed', { cause: withFields('x', { code: '57P01' }) })),
    'postgres',
  );
  assert.is(unavailableDependencyOf(new TypeError('cannot read properties of undefined')), undefined);
  assert.is(unavailableDependencyOf(withFields('duplicate key value', { code: '23505' })), undefined);
  assert.is(unavailableDependencyOf(withFields('invalid byte sequence', { code: '22021' })), undefined);
  assert.is(unavailableDependencyOf('ECONNREFUSED'), undefined);
  assert.is(unavailableDependencyOf(undefined), undefined);
});

test.run();
