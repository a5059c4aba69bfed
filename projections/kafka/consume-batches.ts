import type { Consumer, EachBatchHandler } from 'kafkajs';

export interface ConsumeBatchesOptions {
  /** Full topic names (prefix included). */
  topics: string[];
  /** Partitions whose batches are handled side by side; per partition the batches stay in order. */
  partitionsConsumedConcurrently?: number;
  eachBatch: EachBatchHandler;
}

/**
 * Subscribes a connected consumer from the start of its topics and hands it whole batches, with
 * nothing resolved or committed by kafkajs: each caller commits only offsets it made safe itself.
 */
export const consumeBatches = async (
  consumer: Consumer,
  { topics, partitionsConsumedConcurrently = 4, eachBatch }: ConsumeBatchesOptions,
): Promise<void> => {
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({ eachBatchAutoResolve: false, autoCommit: false, partitionsConsumedConcurrently, eachBatch });
};
