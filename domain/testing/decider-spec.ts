import * as assert from 'uvu/assert';
import type { Decider } from '../decider.ts';
import { isDomainError } from '../errors.ts';

export interface DeciderThen<Event> {
  /** The command is accepted and emits exactly these events (`[]` for a no-op). */
  then(expected: Event[]): void;
  /** The command is refused with a DomainError naming this rule (and reporting these fields, if given). */
  thenThrows(rule: string, fields?: string[]): void;
}

export interface DeciderGiven<Command, Event> {
  when(command: Command): DeciderThen<Event>;
}

/**
 * Given/when/then over a decider: `spec.given(history).when(command).then(events)` or
 * `.thenThrows('rule_name')`. The history is folded with `evolve`, as the command handler does.
 */
export const deciderSpec = <State, Command, Event>(decider: Decider<State, Command, Event>) => ({
  given: (history: Event[]): DeciderGiven<Command, Event> => ({
    when: (command: Command): DeciderThen<Event> => {
      const decide = () => decider.decide(command, history.reduce(decider.evolve, decider.initialState()));
      return {
        // biome-ignore lint/suspicious/noThenProperty: given/when/then reads like the domain; never awaited.
        then: (expected) => assert.equal(decide(), expected),
        thenThrows: (rule, fields) => {
          let emitted: Event[];
          try {
            emitted = decide();
          } catch (error) {
            if (!isDomainError(error)) throw error;
            assert.is(error.rule, rule, `refused with rule ${error.rule} (${error.message}), expected ${rule}`);
            if (fields)
              assert.equal(
                error.errors?.map((fieldError) => fieldError.field),
                fields,
              );
            return;
          }
          assert.unreachable(`expected refusal ${rule}, got ${JSON.stringify(emitted)}`);
        },
      };
    },
  }),
});
