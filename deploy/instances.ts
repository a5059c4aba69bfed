/** How a service runs as several processes (deploy/services.ts). */
export interface ServiceScale {
  /** The variable holding how many (default 1), e.g. `PROJECTOR_INSTANCES`. */
  countEnv: string;
  metricsPortEnv: string;
  defaultMetricsPort: number;
  /** Instance n listens on the port + stride x (n - 1). */
  metricsPortStride: number;
}

/** One process of a service as `npm start` runs it. */
export interface ServiceInstance {
  name: string;
  entry: string;
  /** Set on top of the environment the supervisor was started with. */
  env: Record<string, string>;
}

/** `PROJECTOR_INSTANCES`: instance n's metrics port is 9103 + 10 (n - 1), clear of the other services' 9101-9103. */
export const projectorScale: ServiceScale = {
  countEnv: 'PROJECTOR_INSTANCES',
  metricsPortEnv: 'METRICS_PORT_PROJECTORS',
  defaultMetricsPort: 9103,
  metricsPortStride: 10,
};

/** `SAGA_INSTANCES`: instance n's metrics port is 9102 + 10 (n - 1), between the projectors' ports. */
export const sagaScale: ServiceScale = {
  countEnv: 'SAGA_INSTANCES',
  metricsPortEnv: 'METRICS_PORT_SAGA',
  defaultMetricsPort: 9102,
  metricsPortStride: 10,
};

export class InstancesError extends Error {
  override name = 'InstancesError';
}

/**
 * `<SERVICE>_INSTANCES` processes of a scalable service (default 1), e.g. `PROJECTOR_INSTANCES=3`: they join
 * one consumer group each per read model, so Kafka splits the partitions among them. Each gets its own
 * metrics port (the service's port, then the next ones), named `projectors-1`, `projectors-2`, ...
 */
export const instancesOf = (
  service: { name: string; entry: string; scale?: ServiceScale },
  env: NodeJS.ProcessEnv,
): ServiceInstance[] => {
  const { scale } = service;
  if (!scale) return [{ name: service.name, entry: service.entry, env: {} }];
  const raw = env[scale.countEnv];
  const count = raw === undefined || raw === '' ? 1 : Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > 32) {
    throw new InstancesError(`${scale.countEnv} must be a whole number from 1 to 32, got ${JSON.stringify(raw)}`);
  }
  if (count === 1) return [{ name: service.name, entry: service.entry, env: {} }];
  const basePort = Number(env[scale.metricsPortEnv] || scale.defaultMetricsPort);
  return Array.from({ length: count }, (_, index) => ({
    name: `${service.name}-${index + 1}`,
    entry: service.entry,
    env: { [scale.metricsPortEnv]: String(basePort === 0 ? 0 : basePort + index * scale.metricsPortStride) },
  }));
};
