import { SetupError } from './preflight.ts';

/** Where the local broker listens; the first entry of KAFKA_BROKERS decides, KAFKA_PORT overrides its port. */
export interface KafkaEndpoint {
  host: string;
  port: number;
  controllerPort: number;
  /** The setting a user changes to move the client port (named in the "port in use" message). */
  portSetting: 'KAFKA_BROKERS' | 'KAFKA_PORT';
  brokers: string[];
}

const parsePort = (raw: string, setting: string): number => {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SetupError(`${setting} must give a TCP port (1-65535), got "${raw}": fix it or unset it`);
  }
  return port;
};

export const kafkaEndpointOf = (brokers: string[], env: NodeJS.ProcessEnv = process.env): KafkaEndpoint => {
  const first = brokers[0] ?? '127.0.0.1:9092';
  const match = /^(.*):(\d+)$/.exec(first);
  const host = (match ? match[1] : first) || '127.0.0.1';
  const port = env.KAFKA_PORT
    ? parsePort(env.KAFKA_PORT, 'KAFKA_PORT')
    : parsePort(match?.[2] ?? '9092', 'KAFKA_BROKERS');
  // port + 1 is 9093 for the default broker and keeps a second stack (tests) off the first one's controller.
  const controllerPort = env.KAFKA_CONTROLLER_PORT
    ? parsePort(env.KAFKA_CONTROLLER_PORT, 'KAFKA_CONTROLLER_PORT')
    : port + 1;
  if (controllerPort === port) {
    throw new SetupError(`KAFKA_CONTROLLER_PORT must differ from the broker port ${port}: change one of them`);
  }
  return {
    host,
    port,
    controllerPort,
    portSetting: env.KAFKA_PORT ? 'KAFKA_PORT' : 'KAFKA_BROKERS',
    brokers: [`${host}:${port}`],
  };
};

/** One combined broker and controller (KRaft), sized for tests on a laptop: fast group joins, one replica. */
export const serverProperties = ({ host, port, controllerPort }: KafkaEndpoint, dataDir: string): string =>
  `${[
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=4',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'auto.create.topics.enable=false',
    'delete.topic.enable=true',
    'offsets.topic.replication.factor=1',
    // Fewer internal partitions than the default 50: the first consumer group on a fresh broker waits for them.
    'offsets.topic.num.partitions=8',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=8',
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=4',
  ].join('\n')}\n`;

/** Broker logs go to `<logsDir>/server.log` (rolled), never to the terminal. */
export const log4jProperties = (logsDir: string): string =>
  `${[
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.RollingFileAppender',
    `log4j.appender.file.File=${logsDir}/server.log`,
    'log4j.appender.file.MaxFileSize=10MB',
    'log4j.appender.file.MaxBackupIndex=3',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.log.LogCleaner=WARN',
    'log4j.logger.org.apache.kafka.storage.internals.log=WARN',
  ].join('\n')}\n`;
