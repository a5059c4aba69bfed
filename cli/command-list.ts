import type { CommandDefinition } from './command.ts';
import type { OptionSpec } from './command-args.ts';

const json: OptionSpec = { description: 'one JSON document on stdout instead of a table' };

/** Every command, in the order `orders-ops --help` lists them. Handlers load on demand, so usage errors stay fast. */
export const commandList: readonly CommandDefinition[] = [
  {
    command: 'projections list',
    summary: 'every read model: status, lag per partition, last event time',
    positionals: [],
    options: { json },
    handler: async () => (await import('./projections-commands.ts')).listProjections,
  },
  {
    command: 'projections rebuild',
    summary: 'rebuild a read model into a shadow table, verify it, swap it in atomically',
    positionals: [{ name: 'name', required: true }],
    options: {
      from: { value: 'kafka|store', choices: ['kafka', 'store'], description: 'replay source (default kafka)' },
      'dry-run': { description: 'build and verify, then drop the shadow' },
      json,
    },
    interruptible: { notice: 'stopping: dropping the shadow table (Ctrl-C again to quit at once)' },
    handler: async () => (await import('./projections-commands.ts')).rebuildProjection,
  },
  {
    command: 'sagas list',
    summary: 'sagas, newest first',
    positionals: [],
    options: {
      state: { value: 'state', description: 'running, compensating, stuck, completed or compensated' },
      limit: { value: 'n', description: 'at most n sagas (1-200, default 50)' },
      cursor: { value: 'cursor', description: 'continue after a previous page (its nextCursor)' },
      json,
    },
    handler: async () => (await import('./sagas-commands.ts')).listSagasCommand,
  },
  {
    command: 'sagas show',
    summary: 'one saga: state, steps, deadlines, last error',
    positionals: [{ name: 'order-id', required: true }],
    options: { json },
    handler: async () => (await import('./sagas-commands.ts')).showSaga,
  },
  {
    command: 'sagas retry',
    summary: 'resume a stuck saga (one more attempt of each stuck step)',
    positionals: [{ name: 'order-id', required: true }],
    options: { json },
    handler: async () => (await import('./sagas-commands.ts')).retrySagaCommand,
  },
  {
    command: 'sagas compensate',
    summary: 'force compensation: undo what was done and cancel the order',
    positionals: [{ name: 'order-id', required: true }],
    options: {
      reason: { value: 'text', description: 'why (recorded in the saga; default "operator request")' },
      yes: { description: 'do not ask for confirmation' },
      json,
    },
    handler: async () => (await import('./sagas-commands.ts')).compensateSagaCommand,
  },
  {
    command: 'dlq list',
    summary: 'dead letters of every consumer group',
    positionals: [],
    options: { group: { value: 'group', description: 'only this consumer group' }, json },
    handler: async () => (await import('./dlq-commands.ts')).listDeadLetters,
  },
  {
    command: 'dlq show',
    summary: 'one dead letter: headers, reason, decoded value',
    positionals: [{ name: 'id', required: true }],
    options: { json },
    handler: async () => (await import('./dlq-commands.ts')).showDeadLetter,
  },
  {
    command: 'dlq replay',
    summary: 'send dead letters back to their origin topic',
    positionals: [{ name: 'id', required: false }],
    options: {
      all: { description: 'every dead letter not replayed yet' },
      group: { value: 'group', description: 'with --all: only this consumer group' },
      json,
    },
    handler: async () => (await import('./dlq-commands.ts')).replayDeadLetters,
  },
  {
    command: 'dlq purge',
    summary: 'delete dead letters older than a duration',
    positionals: [],
    options: {
      'older-than': { value: 'duration', description: 'e.g. 7d, 12h, 30m' },
      group: { value: 'group', description: 'only this consumer group' },
      json,
    },
    handler: async () => (await import('./dlq-commands.ts')).purgeDeadLetters,
  },
  {
    command: 'webhooks list',
    summary: 'webhook subscriptions: status, URL, events, why disabled',
    positionals: [],
    options: { json },
    handler: async () => (await import('./webhooks-commands.ts')).listWebhooks,
  },
  {
    command: 'webhooks deliveries',
    summary: "one subscription's deliveries, newest first: status, attempts, last answer",
    positionals: [{ name: 'id', required: true }],
    options: { limit: { value: 'n', description: 'at most n deliveries (1-1000, default 50)' }, json },
    handler: async () => (await import('./webhooks-commands.ts')).listWebhookDeliveries,
  },
  {
    command: 'webhooks redeliver',
    summary: 'send a sent or failed delivery again (same Webhook-Id, a new round of attempts)',
    positionals: [{ name: 'delivery-id', required: true }],
    options: { json },
    handler: async () => (await import('./webhooks-commands.ts')).redeliverWebhook,
  },
  {
    command: 'webhooks enable',
    summary: 're-enable a disabled subscription; what waited is delivered',
    positionals: [{ name: 'id', required: true }],
    options: { json },
    handler: async () => (await import('./webhooks-commands.ts')).enableWebhook,
  },
  {
    command: 'events tail',
    summary: 'follow events live from Kafka until Ctrl-C',
    positionals: [],
    options: {
      stream: { value: 'stream-id', description: 'only this stream' },
      type: { value: 'event-type', description: 'only this event type' },
      'from-beginning': { description: 'start at the oldest event instead of now' },
      json: { description: 'one JSON object per line' },
    },
    interruptible: { notice: '' },
    handler: async () => (await import('./events-commands.ts')).tailEvents,
  },
  {
    command: 'auth token',
    summary: 'mint a bearer token for development and scripts (prints the token alone)',
    positionals: [],
    options: {
      role: { value: 'customer|operator', choices: ['customer', 'operator'], description: 'the role it carries' },
      subject: { value: 'id', description: 'the customer id, or who the operator is' },
      ttl: { value: 'duration', description: 'lifetime, e.g. 15m, 1h, 7d (default 1h, at most 30d)' },
      json,
    },
    handler: async () => (await import('./auth-commands.ts')).mintTokenCommand,
  },
  {
    command: 'verify',
    summary: 'consistency audit: orders settle, stock adds up, money balances, read models equal the store',
    positionals: [],
    options: {
      settle: { value: 'seconds', description: 'how long a difference may take to go away (default 10)' },
      json,
    },
    interruptible: { notice: '' },
    handler: async () => (await import('./verify-command.ts')).verifyCommand,
  },
];

export const commandNames = (): string => commandList.map((command) => command.command).join(', ');
