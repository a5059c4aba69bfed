/** Kept for the saga's runtime while it moves (domain/order-saga); the code lives in platform/kafka. */
export { deadLetterTopic, toDeadLetter } from '../../platform/kafka/dead-letter.ts';
