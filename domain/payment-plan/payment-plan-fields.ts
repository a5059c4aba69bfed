import type { FieldError } from '../errors.ts';
import { FieldErrors, isNonEmptyString, isPositiveInteger, isRecord } from '../validation.ts';
import { isGatewayMethod, isPaymentMethod, paymentMethods } from './payment-part.ts';

/**
 * Shape checks of a payment plan (HTTP 400): a list of at least one part, each with a known
 * method, a positive integer amount, a token for card/BNPL and a code for a coupon.
 * `field` is how the caller names the list, e.g. `payment` gives `payment[1].token`.
 */
export const paymentPlanFieldErrors = (parts: unknown, field: string): FieldError[] => {
  const errors = new FieldErrors();
  if (!Array.isArray(parts) || parts.length === 0) {
    return errors.check(false, field, 'must list at least one payment part').errors;
  }
  parts.forEach((part: unknown, index) => {
    const at = `${field}[${index}]`;
    if (!isRecord(part)) {
      errors.check(false, at, 'must be an object');
      return;
    }
    const method = isPaymentMethod(part.method) ? part.method : undefined;
    errors
      .check(method !== undefined, `${at}.method`, `must be one of ${paymentMethods.join(', ')}`)
      .check(isPositiveInteger(part.amount), `${at}.amount`, 'must be a positive integer (minor units)');
    if (method && isGatewayMethod(method)) {
      errors.check(isNonEmptyString(part.token), `${at}.token`, `is required for ${method}`);
    }
    if (method === 'coupon') {
      errors.check(isNonEmptyString(part.couponCode), `${at}.couponCode`, 'is required for coupon');
    }
  });
  return errors.errors;
};
