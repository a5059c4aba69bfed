import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InstancesError, instancesOf, projectorScale, sagaScale } from './instances.ts';

const test = suite('service instances for npm start');
const projectors = { name: 'projectors', entry: 'projections/main.ts', scale: projectorScale };
const relay = { name: 'relay', entry: 'commands/relay/main.ts' };

test('one projector process by default, under the service name and its usual metrics port', () => {
  assert.equal(instancesOf(projectors, {}), [{ name: 'projectors', entry: 'projections/main.ts', env: {} }]);
  assert.equal(instancesOf(projectors, { PROJECTOR_INSTANCES: '1' }), instancesOf(projectors, {}));
});

test('PROJECTOR_INSTANCES=3: three processes, each with its own metrics port', () => {
  assert.equal(
    instancesOf(projectors, { PROJECTOR_INSTANCES: '3' }).map(({ name, env }) => [name, env.METRICS_PORT_PROJECTORS]),
    [
      ['projectors-1', '9103'],
      ['projectors-2', '9113'],
      ['projectors-3', '9123'],
    ],
  );
  assert.equal(
    instancesOf(projectors, { PROJECTOR_INSTANCES: '2', METRICS_PORT_PROJECTORS: '0' }).map(
      ({ env }) => env.METRICS_PORT_PROJECTORS,
    ),
    ['0', '0'],
    'port 0 (any free port) stays 0 for each',
  );
});

test('a service without a scale setting ignores instance counts', () => {
  assert.equal(instancesOf(relay, { PROJECTOR_INSTANCES: '4' }).length, 1);
});

test('a count that is not a whole number from 1 to 32 is refused with the variable named', () => {
  for (const value of ['0', '-1', '1.5', 'two', '33']) {
    assert.throws(
      () => instancesOf(projectors, { PROJECTOR_INSTANCES: value }),
      (error: unknown) => error instanceof InstancesError && error.message.startsWith('PROJECTOR_INSTANCES must be'),
      value,
    );
  }
});

test("SAGA_INSTANCES=2: two saga processes, metrics ports clear of the projectors'", () => {
  const saga = { name: 'saga', entry: 'projections/saga/main.ts', scale: sagaScale };
  assert.equal(instancesOf(saga, {}), [{ name: 'saga', entry: 'projections/saga/main.ts', env: {} }]);
  assert.equal(
    instancesOf(saga, { SAGA_INSTANCES: '2' }).map(({ name, env }) => [name, env.METRICS_PORT_SAGA]),
    [
      ['saga-1', '9102'],
      ['saga-2', '9112'],
    ],
  );
  assert.throws(
    () => instancesOf(saga, { SAGA_INSTANCES: '0' }),
    (error: unknown) => error instanceof InstancesError,
  );
});

test.run();
