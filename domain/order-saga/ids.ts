/**
 * Ids of the saga's stream, of the commands it sends and of its deadlines. All derive from the order id
 * and the step name, so a replayed or repeated decision produces the same ids and every receiver dedupes.
 */
const sagaStreamPrefix = 'saga-';

/** The saga of one order is the stream `saga-<orderId>`. */
export const sagaStreamId = (orderId: string): string => `${sagaStreamPrefix}${orderId}`;

/** The order id of a saga stream; undefined for any other stream. */
export const orderIdOfSagaStream = (streamId: string): string | undefined =>
  streamId.startsWith(sagaStreamPrefix) && streamId.length > sagaStreamPrefix.length
    ? streamId.slice(sagaStreamPrefix.length)
    : undefined;

/** Stable across attempts, so the receiving aggregate applies a step at most once. */
export const sagaCommandId = (orderId: string, step: string): string => `${sagaStreamId(orderId)}:${step}`;

/** One attempt of a step: `reserve:sku-a#2`. */
export const sagaStepId = (step: string, attempt: number): string => `${step}#${attempt}`;

/** The step and attempt of a step id; undefined when it is not one. */
export const parseSagaStepId = (stepId: string): { step: string; attempt: number } | undefined => {
  const hash = stepId.lastIndexOf('#');
  const attempt = Number(stepId.slice(hash + 1));
  if (hash <= 0 || !Number.isSafeInteger(attempt) || attempt < 1) return undefined;
  return { step: stepId.slice(0, hash), attempt };
};

/** The one payment deadline of an order's saga. */
export const paymentDeadlineId = (orderId: string): string => `${sagaStreamId(orderId)}:payment`;

/** The timer that retries a failed attempt. */
export const retryDeadlineId = (orderId: string, stepId: string): string => `${sagaStreamId(orderId)}:retry:${stepId}`;
