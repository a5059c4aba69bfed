import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CircuitOpenError } from './circuit-breaker.ts';
import { configuredPaymentGateway } from './configured-gateway.ts';

const test = suite('configured payment gateway');

const request = (token: string) => ({ orderId: 'o1', method: 'card' as const, amount: 100, token });

test('the simulated gateway behind a breaker with the configured threshold', async () => {
  const gateway = configuredPaymentGateway({
    gatewayLatencyMs: 0,
    gatewayBreakerFailureThreshold: 2,
    gatewayBreakerOpenMs: 60_000,
  });
  assert.equal(await gateway.authorize(request('tok_ok')), { outcome: 'approved', authorizationId: 'auth_o1' });
  const errors: unknown[] = [];
  for (let i = 0; i < 3; i++) await gateway.authorize(request('tok_error')).catch((error) => errors.push(error));
  assert.is(errors.length, 3);
  assert.not.instance(errors[1], CircuitOpenError);
  assert.instance(errors[2], CircuitOpenError);
});

test.run();
