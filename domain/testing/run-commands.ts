import type { Decider } from '../decider.ts';

/** Runs commands one after another through a decider and returns everything they emitted. */
export const runCommands = <State, Command, Event>(
  decider: Decider<State, Command, Event>,
  commands: Command[],
  history: Event[] = [],
): Event[] => {
  let state = history.reduce(decider.evolve, decider.initialState());
  const emitted: Event[] = [];
  for (const command of commands) {
    const events = decider.decide(command, state);
    state = events.reduce(decider.evolve, state);
    emitted.push(...events);
  }
  return emitted;
};
