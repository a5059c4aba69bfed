import { projectorScale, type ServiceScale, sagaScale } from './instances.ts';

/** The processes of the system, in start order. `npm start` runs all of them; docker-compose mirrors the list. */
export interface ServiceDefinition {
  name: string;
  entry: string;
  /** Printed once the service is up. */
  url?: (env: NodeJS.ProcessEnv) => string;
  /** Runs as several processes when `countEnv` says so (deploy/instances.ts). */
  scale?: ServiceScale;
}

const hostOf = (env: NodeJS.ProcessEnv) => env.HOST || '127.0.0.1';

export const services: ServiceDefinition[] = [
  {
    name: 'command-api',
    entry: 'commands/main.ts',
    url: (env) => `http://${hostOf(env)}:${env.COMMAND_API_PORT || 3000}`,
  },
  { name: 'relay', entry: 'commands/relay/main.ts' },
  { name: 'saga', entry: 'projections/saga/main.ts', scale: sagaScale },
  {
    name: 'projectors',
    entry: 'projections/main.ts',
    scale: projectorScale,
  },
  { name: 'notifier', entry: 'projections/notifier/main.ts' },
  {
    name: 'read-api',
    entry: 'read-api/main.ts',
    url: (env) => `http://${hostOf(env)}:${env.READ_API_PORT || 3001}`,
  },
];
