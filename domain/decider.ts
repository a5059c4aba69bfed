/** A pure aggregate: no I/O, no clock. Time and identity arrive in the command. */
export interface Decider<State, Command, Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** Fold a history into the state it leads to. */
export const fold = <State, Command, Event>(decider: Decider<State, Command, Event>, events: readonly Event[]): State =>
  events.reduce(decider.evolve, decider.initialState());

/** Exhaustiveness guard for `switch` over a union: adding a member breaks compilation until handled. */
export const assertNever = (value: never): never => {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
};
