import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type AuthorizationRequest, TransientGatewayError } from '../../domain/payment/payment-gateway.ts';
import { simulatedPaymentGateway } from './simulated-payment-gateway.ts';

const request = (token: string, orderId = 'o1'): AuthorizationRequest => ({
  orderId,
  method: 'card',
  amount: 5000,
  token,
});

const gateway = simulatedPaymentGateway({ latencyMs: 0 });
const test = suite('simulated payment gateway');

test('tok_ok approves with an authorization id derived from the order', async () => {
  const first = await gateway.authorize(request('tok_ok', 'o7'));
  const again = await gateway.authorize(request('tok_ok', 'o7'));
  const other = await gateway.authorize({ ...request('tok_ok', 'o8'), method: 'bnpl' });
  assert.equal(first, { outcome: 'approved', authorizationId: 'auth_o7' });
  assert.equal(again, first);
  assert.equal(other, { outcome: 'approved', authorizationId: 'auth_o8' });
});

test('tok_declined declines', async () => {
  assert.equal(await gateway.authorize(request('tok_declined')), { outcome: 'declined', reason: 'declined' });
});

test('an unknown token declines as invalid_token', async () => {
  assert.equal(await gateway.authorize(request('tok_whatever')), { outcome: 'declined', reason: 'invalid_token' });
});

test('tok_error fails transiently', async () => {
  try {
    await gateway.authorize(request('tok_error'));
    assert.unreachable('tok_error answered');
  } catch (error) {
    assert.instance(error, TransientGatewayError);
  }
});

test('tok_timeout never answers until the signal aborts', async () => {
  const controller = new AbortController();
  let settled = false;
  const pending = gateway.authorize(request('tok_timeout'), controller.signal).finally(() => {
    settled = true;
  });
  // Let pending I/O callbacks and microtasks run: with latency 0 an answer would have arrived by now.
  await new Promise((resolve) => setImmediate(resolve));
  assert.not.ok(settled, 'tok_timeout answered');
  controller.abort(new Error('deadline'));
  try {
    await pending;
    assert.unreachable('tok_timeout resolved');
  } catch (error) {
    assert.is((error as Error).message, 'deadline');
  }
});

test('an already aborted signal rejects at once', async () => {
  const controller = new AbortController();
  controller.abort();
  try {
    await gateway.authorize(request('tok_ok'), controller.signal);
    assert.unreachable('answered despite the abort');
  } catch (error) {
    assert.is((error as Error).name, 'AbortError');
  }
});

test('the latency delays the answer and gives way to an abort', async () => {
  const slow = simulatedPaymentGateway({ latencyMs: 60_000 });
  const controller = new AbortController();
  const pending = slow.authorize(request('tok_ok'), controller.signal);
  controller.abort(new Error('gave up'));
  try {
    await pending;
    assert.unreachable('answered before the latency passed');
  } catch (error) {
    assert.is((error as Error).message, 'gave up');
  }
});

test.run();
