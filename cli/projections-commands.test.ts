import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { projectionStatus } from './projections-commands.ts';

const test = suite('projection status');

test('from lag, attached consumers and a running rebuild', () => {
  assert.is(projectionStatus(0, 1, false), 'running');
  assert.is(projectionStatus(12, 2, false), 'lagging');
  assert.is(projectionStatus(0, 0, false), 'idle');
  assert.is(projectionStatus(3, 0, false), 'behind');
  assert.is(projectionStatus(3, 1, true), 'rebuilding');
});

test.run();
