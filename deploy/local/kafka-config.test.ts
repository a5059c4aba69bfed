import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { kafkaEndpointOf, log4jProperties, serverProperties } from './kafka-config.ts';
import { SetupError } from './preflight.ts';

const endpoint = suite('kafka endpoint');

endpoint('the first broker of KAFKA_BROKERS decides host and port; the controller takes the next port', () => {
  assert.equal(kafkaEndpointOf(['127.0.0.1:9092'], {}), {
    host: '127.0.0.1',
    port: 9092,
    controllerPort: 9093,
    portSetting: 'KAFKA_BROKERS',
    brokers: ['127.0.0.1:9092'],
  });
  const second = kafkaEndpointOf(['localhost:19092', 'localhost:29092'], {});
  assert.equal([second.host, second.port, second.controllerPort], ['localhost', 19092, 19093]);
});

endpoint('KAFKA_PORT and KAFKA_CONTROLLER_PORT override', () => {
  const moved = kafkaEndpointOf(['127.0.0.1:9092'], { KAFKA_PORT: '29092', KAFKA_CONTROLLER_PORT: '29999' });
  assert.equal([moved.port, moved.controllerPort, moved.portSetting], [29092, 29999, 'KAFKA_PORT']);
  assert.equal(moved.brokers, ['127.0.0.1:29092']);
});

endpoint('a broker without a port uses 9092', () => {
  assert.is(kafkaEndpointOf(['127.0.0.1'], {}).port, 9092);
});

endpoint('a bad port or a controller on the broker port is a setup error naming the setting', () => {
  assert.throws(
    () => kafkaEndpointOf(['127.0.0.1:9092'], { KAFKA_PORT: 'abc' }),
    (error: Error) => {
      return error instanceof SetupError && error.message.startsWith('KAFKA_PORT must give a TCP port');
    },
  );
  assert.throws(
    () => kafkaEndpointOf(['127.0.0.1:9092'], { KAFKA_CONTROLLER_PORT: '9092' }),
    (error: Error) => {
      return error instanceof SetupError && error.message.includes('KAFKA_CONTROLLER_PORT must differ');
    },
  );
});

const properties = suite('broker properties');

const parse = (text: string) =>
  new Map(
    text
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );

properties('one combined KRaft node on the endpoint, topics only created explicitly, fast group joins', () => {
  const config = parse(serverProperties(kafkaEndpointOf(['127.0.0.1:19092'], {}), '/tmp/run/kafka/data'));
  assert.is(config.get('process.roles'), 'broker,controller');
  assert.is(config.get('node.id'), '1');
  assert.is(config.get('controller.quorum.voters'), '1@127.0.0.1:19093');
  assert.is(config.get('listeners'), 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
  assert.is(config.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:19092');
  assert.is(config.get('log.dirs'), '/tmp/run/kafka/data');
  assert.is(config.get('auto.create.topics.enable'), 'false');
  assert.is(config.get('offsets.topic.replication.factor'), '1');
  assert.is(config.get('transaction.state.log.replication.factor'), '1');
  assert.is(config.get('transaction.state.log.min.isr'), '1');
  assert.is(config.get('group.initial.rebalance.delay.ms'), '0');
  assert.is(config.get('num.partitions'), '4');
});

properties('the broker logs to a file in the run dir', () => {
  const config = parse(log4jProperties('/tmp/run/kafka/logs'));
  assert.is(config.get('log4j.appender.file.File'), '/tmp/run/kafka/logs/server.log');
  assert.ok(config.get('log4j.rootLogger')?.includes('file'));
});

endpoint.run();
properties.run();
