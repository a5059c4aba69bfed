/** Kept for the saga's runtime while it moves (domain/order-saga); the code lives in platform/kafka. */
export { describeError, isPoison, PoisonMessageError } from '../../platform/kafka/failure.ts';
