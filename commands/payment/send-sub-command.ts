import type { Decider } from '../../domain/decider.ts';
import type { Command, Event } from '../../domain/message.ts';
import { type CommandOutcome, handleCommand } from '../command-handler.ts';
import type { EventStore } from '../event-store/event-store.ts';
import type { PaymentStepContext } from './payment-step.ts';

/** A command before the payment service stamps its id and time on it. */
export type Unstamped<C> = C extends Command ? Omit<C, 'metadata'> : never;

export interface SubCommandDependencies {
  store: EventStore;
  clock: () => Date;
  /** Attempts of the command handler on a version conflict. */
  retries?: number;
}

/** Sends one sub-command of a payment step through the generic handler, under its own deterministic id. */
export const sendSubCommand = async <State, C extends Command, E extends Event>(
  { store, clock, retries }: SubCommandDependencies,
  step: PaymentStepContext,
  decider: Decider<State, C, E>,
  streamId: string,
  commandId: string,
  command: Unstamped<C>,
): Promise<CommandOutcome> => {
  const outcome = await handleCommand({
    store,
    decider,
    streamId,
    command: {
      ...command,
      metadata: {
        commandId,
        now: clock().toISOString(),
        correlationId: step.correlationId,
        causationId: step.causationId,
      },
    } as C,
    ...(retries === undefined ? {} : { retries }),
  });
  step.recorded?.(outcome.events);
  return outcome;
};
