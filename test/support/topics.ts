import { loadConfig } from '../../deploy/config.ts';
import { withKafkaAdmin } from '../../deploy/kafka-admin.ts';

/** Deletes every topic whose name starts with the test's prefix, so the broker does not fill up with test topics. */
export const deleteTopicsWithPrefix = async (prefix: string): Promise<void> => {
  if (prefix.length < 8) throw new Error(`refusing to delete topics by the short prefix "${prefix}"`);
  const { kafkaBrokers } = loadConfig();
  await withKafkaAdmin(kafkaBrokers, async (admin) => {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  });
};
