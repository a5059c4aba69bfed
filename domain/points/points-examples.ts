import type { CommandMetadata } from '../message.ts';
import { runCommands } from '../testing/run-commands.ts';
import type { GrantPoints, RefundPoints, SpendPoints } from './commands.ts';
import type { PointsEvent } from './events.ts';
import { pointsDecider } from './points-decider.ts';

const metadata: CommandMetadata = { commandId: 'command-1', now: '2025-01-01T10:00:00.000Z' };

export const grantPoints = (amount: number): GrantPoints => ({
  type: 'GrantPoints',
  data: { customerId: 'c1', amount },
  metadata,
});
export const spendPoints = (orderId: string, amount: number): SpendPoints => ({
  type: 'SpendPoints',
  data: { customerId: 'c1', orderId, amount },
  metadata,
});
export const refundPoints = (orderId: string): RefundPoints => ({
  type: 'RefundPoints',
  data: { customerId: 'c1', orderId },
  metadata,
});

/** Events the points decider really emits, covering every type. */
export const pointsExampleEvents = (): PointsEvent[] =>
  runCommands(pointsDecider, [grantPoints(5000), spendPoints('o1', 1200), refundPoints('o1')]);
