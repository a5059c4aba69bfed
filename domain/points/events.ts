import type { Event } from '../message.ts';

/** Each event carries the balance after it, so a read model sets the balance instead of adding. */
export type PointsGranted = Event<'PointsGranted', { customerId: string; amount: number; balance: number }>;
export type PointsSpent = Event<
  'PointsSpent',
  { customerId: string; orderId: string; amount: number; balance: number }
>;
export type PointsRefunded = Event<
  'PointsRefunded',
  { customerId: string; orderId: string; amount: number; balance: number }
>;

export type PointsEvent = PointsGranted | PointsSpent | PointsRefunded;

const pointsEventTypeSet: Record<PointsEvent['type'], true> = {
  PointsGranted: true,
  PointsSpent: true,
  PointsRefunded: true,
};

export const pointsEventTypes = Object.keys(pointsEventTypeSet) as PointsEvent['type'][];
