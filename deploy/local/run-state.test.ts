import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sourceLocalDirOf } from './run-state.ts';

const test = suite('run state location');

test('the compiled services (dist/) share the source tree run folder with stack:up and the CLI', () => {
  assert.is(sourceLocalDirOf('/srv/app/dist/deploy/local/'), '/srv/app/deploy/local/');
  assert.is(sourceLocalDirOf('/srv/app/deploy/local/'), '/srv/app/deploy/local/');
  assert.is(sourceLocalDirOf('/srv/dist/app/deploy/local/'), '/srv/dist/app/deploy/local/');
});

test.run();
