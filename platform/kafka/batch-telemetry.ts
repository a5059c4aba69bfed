import type { KafkaMessage } from 'kafkajs';
import { headerNames } from '../../schemas/kafka-envelope.ts';
import { projectorBatchDuration, projectorBatchSize } from '../metrics.ts';
import { SpanKind, startRecordSpans } from '../tracing.ts';

/**
 * A batch a group applies whole (the projectors'): its duration and size once applied, and with tracing on
 * a span per record, each the child of its record's trace, so an order's trace ends in the write.
 */
export const observeBatch = (groupId: string, messages: readonly KafkaMessage[]) => {
  const timer = projectorBatchDuration.startTimer({ group: groupId });
  const spans = startRecordSpans(
    `${groupId} project`,
    SpanKind.CONSUMER,
    messages.map((message) => message.headers?.[headerNames.traceparent]?.toString()),
  );
  return {
    /** Retries included: from the first attempt to the one that applied it. */
    applied: () => {
      spans.end();
      timer();
      projectorBatchSize.observe({ group: groupId }, messages.length);
    },
  };
};
