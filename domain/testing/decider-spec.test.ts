import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Decider } from '../decider.ts';
import { ruleBroken } from '../errors.ts';
import { deciderSpec } from './decider-spec.ts';
import { runCommands } from './run-commands.ts';

/** A counter that refuses to go above 2: enough to see the helper pass and fail. */
type CounterEvent = { type: 'Incremented'; data: { to: number } };
const counter: Decider<number, 'increment', CounterEvent> = {
  initialState: () => 0,
  evolve: (_, event) => event.data.to,
  decide: (_, count) => {
    if (count >= 2) throw ruleBroken('counter_full', 'the counter is full');
    return [{ type: 'Incremented', data: { to: count + 1 } }];
  },
};
const spec = deciderSpec(counter);
const incremented = (to: number): CounterEvent => ({ type: 'Incremented', data: { to } });

const helper = suite('decider spec helper');

helper('passes when the decider does what the spec says', () => {
  spec
    .given([incremented(1)])
    .when('increment')
    .then([incremented(2)]);
  spec
    .given([incremented(1), incremented(2)])
    .when('increment')
    .thenThrows('counter_full');
});

/** uvu's `assert.throws` lets assertion errors through, and those are what a failing spec throws. */
const fails = (run: () => void): boolean => {
  try {
    run();
    return false;
  } catch {
    return true;
  }
};

helper('fails on other events, a different rule, or no refusal', () => {
  assert.ok(
    fails(() =>
      spec
        .given([])
        .when('increment')
        .then([incremented(2)]),
    ),
  );
  assert.ok(
    fails(() =>
      spec
        .given([incremented(2)])
        .when('increment')
        .thenThrows('other_rule'),
    ),
  );
  assert.ok(fails(() => spec.given([]).when('increment').thenThrows('counter_full')));
});

helper('runCommands returns everything a sequence of commands emitted', () => {
  assert.equal(runCommands(counter, ['increment', 'increment']), [incremented(1), incremented(2)]);
});

helper.run();
