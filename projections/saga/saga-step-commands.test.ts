import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ScheduledCommandError, stepCommandOf } from './saga-step-commands.ts';

const commands = suite('scheduled step commands');

commands('a scheduled command gives back the command to send', () => {
  assert.equal(
    stepCommandOf({
      type: 'ReserveStock',
      streamId: 'inventory-sku-a',
      commandId: 'saga-o1:reserve:sku-a',
      dataJson: '{"sku":"sku-a","orderId":"o1","quantity":2}',
    }),
    { type: 'ReserveStock', data: { sku: 'sku-a', orderId: 'o1', quantity: 2 } },
  );
});

commands('an unknown type or data that is not an object is refused', () => {
  const base = { streamId: 's', commandId: 'c' };
  assert.throws(
    () => stepCommandOf({ ...base, type: 'LaunchRocket' as never, dataJson: '{}' }),
    (error: unknown) => error instanceof ScheduledCommandError,
  );
  assert.throws(
    () => stepCommandOf({ ...base, type: 'CapturePayment', dataJson: '[1]' }),
    (error: unknown) => error instanceof ScheduledCommandError,
  );
});

commands.run();
