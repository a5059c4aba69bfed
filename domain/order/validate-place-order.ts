import { paymentPlanFieldErrors } from '../payment-plan/payment-plan-fields.ts';
import {
  FieldErrors,
  isIntegerBetween,
  isNonEmptyString,
  isNonNegativeInteger,
  isPositiveInteger,
  isRecord,
} from '../validation.ts';
import type { PlaceOrder } from './commands.ts';
import { maxLineQuantity, maxOrderLines } from './order-line.ts';

/**
 * Every shape problem of a PlaceOrder at once (HTTP 400). Lines are reported as `items[i]`,
 * the name the public API gives them, so a client can point at the offending input.
 */
export const assertPlaceOrderWellFormed = (data: PlaceOrder['data']): void => {
  const errors = new FieldErrors()
    .check(isNonEmptyString(data.orderId), 'orderId', 'is required')
    .check(isNonEmptyString(data.customerId), 'customerId', 'is required');

  const lines: unknown = data.lines;
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > maxOrderLines) {
    errors.check(false, 'items', `must list 1 to ${maxOrderLines} lines`);
  } else {
    const seenSkus = new Set<string>();
    lines.forEach((line: unknown, index) => {
      const at = `items[${index}]`;
      if (!isRecord(line)) {
        errors.check(false, at, 'must be an object');
        return;
      }
      const skuGiven = isNonEmptyString(line.sku);
      errors
        .check(skuGiven, `${at}.sku`, 'is required')
        .check(isIntegerBetween(line.quantity, 1, maxLineQuantity), `${at}.quantity`, `must be 1 to ${maxLineQuantity}`)
        .check(isNonNegativeInteger(line.unitPrice), `${at}.unitPrice`, 'must be an integer >= 0 (minor units)');
      if (skuGiven) {
        errors.check(!seenSkus.has(line.sku as string), `${at}.sku`, 'appears on another line');
        seenSkus.add(line.sku as string);
      }
    });
  }

  errors.add(paymentPlanFieldErrors(data.payment, 'payment'));

  const context: unknown = data.context;
  if (!isRecord(context)) {
    errors.check(false, 'context', 'is required');
  } else {
    errors
      .check(isNonNegativeInteger(context.pointsBalance), 'context.pointsBalance', 'must be an integer >= 0')
      .check(isRecord(context.coupons), 'context.coupons', 'must map coupon codes to coupons');
    if (isRecord(context.coupons)) {
      for (const [code, coupon] of Object.entries(context.coupons)) {
        errors.check(
          isRecord(coupon) && isPositiveInteger(coupon.amount),
          `context.coupons.${code}.amount`,
          'must be a positive integer',
        );
      }
    }
  }

  errors.throwIfAny('the order is not well formed');
};
