import type { Command } from '../message.ts';

export type GrantPoints = Command<'GrantPoints', { customerId: string; amount: number }>;
/** Spends points on an order; one spend per order, a repeat changes nothing. */
export type SpendPoints = Command<'SpendPoints', { customerId: string; orderId: string; amount: number }>;
/** Gives back what an order spent (compensation), once. */
export type RefundPoints = Command<'RefundPoints', { customerId: string; orderId: string }>;

export type PointsCommand = GrantPoints | SpendPoints | RefundPoints;
