/**
 * The local stack without Docker: Kafka (KRaft, from the Apache jars), PostgreSQL and Redis.
 *
 *   tsx deploy/local/stack.ts up       start what is not running, create database, migrations, topics
 *   tsx deploy/local/stack.ts down     stop what `up` started (and only that)
 *   tsx deploy/local/stack.ts status   one line per part; exit code 1 when a part is down
 *
 * Settings: KAFKA_BROKERS, KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_TOPIC_PREFIX, DATABASE_URL, REDIS_URL,
 * STACK_RUN_DIR (state, logs and Kafka data; default deploy/local/.run), STACK_CACHE_DIR (the Kafka jars;
 * default deploy/local/.cache), STACK_DEBUG=1 (stack traces on failure).
 */
import { SetupError } from './preflight.ts';
import { stackDown } from './stack-down.ts';
import { stackStatus } from './stack-status.ts';
import { type PartReport, stackUp } from './stack-up.ts';

const usage = 'usage: tsx deploy/local/stack.ts up|down|status (or npm run stack:up, stack:down, stack:status)';
const verbs = ['up', 'down', 'status'] as const;
type Verb = (typeof verbs)[number];
const isVerb = (word: string | undefined): word is Verb => verbs.includes(word as Verb);

const line = (part: string, address: string, text: string) => `${part.padEnd(9)} ${address.padEnd(28)} ${text}`;
const printReports = (reports: PartReport[]) => {
  for (const report of reports) console.log(line(report.part, report.address, report.outcome));
};

const run = async (verb: Verb): Promise<number> => {
  const started = Date.now();
  switch (verb) {
    case 'up':
      printReports(await stackUp());
      console.log(`stack up: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    case 'down':
      printReports(await stackDown());
      return 0;
    case 'status': {
      const parts = await stackStatus();
      for (const part of parts)
        console.log(line(part.part, part.address, `${part.up ? 'up' : 'down'} (${part.detail})`));
      return parts.every((part) => part.up) ? 0 : 1;
    }
    default: {
      const unknown: never = verb;
      throw new Error(`unhandled verb ${unknown}`);
    }
  }
};

const verb = process.argv[2];
if (!isVerb(verb) || process.argv.length > 3) {
  console.error(usage);
  process.exit(2);
}

try {
  process.exit(await run(verb));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof SetupError ? message : `stack ${verb} failed: ${message}`);
  if (process.env.STACK_DEBUG && error instanceof Error) console.error(error.stack);
  process.exit(1);
}
