import type { Admin } from 'kafkajs';
import { allEventTopics } from '../schemas/event-catalog.ts';
import { withKafkaAdmin } from './kafka-admin.ts';

/**
 * One topic per aggregate type, as the event catalog names them; the broker never creates topics on
 * its own (auto.create.topics.enable=false).
 */
export const eventTopicNames: readonly string[] = allEventTopics();

export const defaultPartitions = 4;

/** Event topics are the replay source: nothing is ever deleted by time or size. */
export const eventTopicConfig: Readonly<Record<string, string>> = { 'retention.ms': '-1', 'retention.bytes': '-1' };

export interface TopicSpec {
  name: string;
  /** Default 4. */
  partitions?: number;
  /** Topic-level settings such as `cleanup.policy`; the broker's defaults otherwise. */
  config?: Record<string, string>;
}

export interface EnsuredTopics {
  created: string[];
  existing: string[];
}

/**
 * Creates the topics that do not exist yet and waits until every partition has a leader. Topics that
 * already exist are left as they are (their partitions and settings are not compared). Safe to run
 * concurrently with itself.
 */
export const ensureTopics = (brokers: string[], topics: TopicSpec[]): Promise<EnsuredTopics> =>
  withKafkaAdmin(brokers, async (admin) => {
    const present = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !present.has(topic.name));
    if (missing.length > 0) {
      // Our own leader wait, not kafkajs's: a broker under load briefly answers "does not host this
      // topic-partition" for a topic it has just created, which kafkajs's wait does not tolerate.
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions ?? defaultPartitions,
          configEntries: Object.entries(topic.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
      await waitForLeaders(
        admin,
        missing.map((topic) => topic.name),
      );
    }
    return {
      created: missing.map((topic) => topic.name),
      existing: topics.filter((topic) => present.has(topic.name)).map((topic) => topic.name),
    };
  });

/** The event topics, each name prefixed (tests and side-by-side environments use a prefix). */
export const eventTopics = (prefix = ''): TopicSpec[] =>
  allEventTopics(prefix).map((name) => ({ name, config: { ...eventTopicConfig } }));

export const ensureEventTopics = (brokers: string[], prefix = ''): Promise<EnsuredTopics> =>
  ensureTopics(brokers, eventTopics(prefix));

const waitForLeaders = async (admin: Admin, names: string[], timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      const led = topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0));
      if (led && topics.length === names.length) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics without a leader after ${timeoutMs} ms: ${names.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
