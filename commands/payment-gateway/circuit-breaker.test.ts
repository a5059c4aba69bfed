import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type AuthorizationRequest,
  type PaymentGateway,
  TransientGatewayError,
} from '../../domain/payment/payment-gateway.ts';
import { withCircuitBreaker } from './breaker-gateway.ts';
import { CircuitOpenError, createCircuitBreaker } from './circuit-breaker.ts';
import { simulatedPaymentGateway } from './simulated-payment-gateway.ts';

const fakeClock = (start = Date.parse('2025-01-01T10:00:00.000Z')) => {
  let nowMs = start;
  const advance = (ms: number): void => {
    nowMs += ms;
  };
  return { clock: () => new Date(nowMs), advance };
};

const fail = () => Promise.reject(new TransientGatewayError('down'));
const succeed = () => Promise.resolve('answer');

const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.unreachable('the call resolved');
};

const failTimes = async (breaker: { run: (call: () => Promise<unknown>) => Promise<unknown> }, times: number) => {
  for (let i = 0; i < times; i++) await rejectionOf(breaker.run(fail));
};

const test = suite('circuit breaker');

test('stays closed below the threshold and passes failures through', async () => {
  const { clock } = fakeClock();
  const breaker = createCircuitBreaker({ failureThreshold: 3, clock });
  const error = await rejectionOf(breaker.run(fail));
  assert.instance(error, TransientGatewayError);
  assert.not.instance(error, CircuitOpenError);
  await failTimes(breaker, 1);
  assert.is(breaker.state(), 'closed');
});

test('opens after N consecutive failures and then fails fast without calling', async () => {
  const { clock } = fakeClock();
  const breaker = createCircuitBreaker({ failureThreshold: 3, clock });
  await failTimes(breaker, 3);
  assert.is(breaker.state(), 'open');
  let called = false;
  const error = await rejectionOf(
    breaker.run(async () => {
      called = true;
    }),
  );
  assert.instance(error, CircuitOpenError);
  assert.instance(error, TransientGatewayError, 'an open circuit is a transient failure');
  assert.not.ok(called);
});

test('a success in between resets the count of consecutive failures', async () => {
  const { clock } = fakeClock();
  const breaker = createCircuitBreaker({ failureThreshold: 3, clock });
  await failTimes(breaker, 2);
  assert.is(await breaker.run(succeed), 'answer');
  await failTimes(breaker, 2);
  assert.is(breaker.state(), 'closed');
});

test('defaults: opens on the fifth failure, half-opens after 5 seconds', async () => {
  const { clock, advance } = fakeClock();
  const breaker = createCircuitBreaker({ clock });
  await failTimes(breaker, 4);
  assert.is(breaker.state(), 'closed');
  await failTimes(breaker, 1);
  assert.is(breaker.state(), 'open');
  advance(4_999);
  assert.is(breaker.state(), 'open');
  advance(1);
  assert.is(breaker.state(), 'half_open');
});

test('half-open: one trial call goes through, a success closes the circuit', async () => {
  const { clock, advance } = fakeClock();
  const breaker = createCircuitBreaker({ failureThreshold: 1, openMs: 1_000, clock });
  await failTimes(breaker, 1);
  advance(1_000);
  let release: (value: string) => void = () => {};
  const trial = breaker.run(() => new Promise<string>((resolve) => (release = resolve)));
  const during = await rejectionOf(breaker.run(succeed));
  assert.instance(during, CircuitOpenError, 'a second call during the trial fails fast');
  release('trial answer');
  assert.is(await trial, 'trial answer');
  assert.is(breaker.state(), 'closed');
  assert.is(await breaker.run(succeed), 'answer');
});

test('half-open: a failed trial opens the circuit for another pause', async () => {
  const { clock, advance } = fakeClock();
  const breaker = createCircuitBreaker({ failureThreshold: 2, openMs: 1_000, clock });
  await failTimes(breaker, 2);
  advance(1_000);
  await failTimes(breaker, 1);
  assert.is(breaker.state(), 'open');
  advance(999);
  assert.instance(await rejectionOf(breaker.run(succeed)), CircuitOpenError);
  advance(1);
  assert.is(await breaker.run(succeed), 'answer');
  assert.is(breaker.state(), 'closed');
});

test('a call that fails after the circuit opened does not extend the pause', async () => {
  const { clock, advance } = fakeClock();
  const breaker = createCircuitBreaker({ failureThreshold: 1, openMs: 1_000, clock });
  let failLate: (error: Error) => void = () => {};
  const late = breaker.run(() => new Promise((_, reject) => (failLate = reject)));
  await failTimes(breaker, 1);
  advance(600);
  failLate(new TransientGatewayError('late'));
  await rejectionOf(late);
  advance(400);
  assert.is(breaker.state(), 'half_open');
});

const request = (token: string): AuthorizationRequest => ({ orderId: 'o1', method: 'card', amount: 100, token });

test('the gateway wrapper: declines do not open the circuit, transient errors do', async () => {
  const { clock } = fakeClock();
  let calls = 0;
  const simulated = simulatedPaymentGateway();
  const counting: PaymentGateway = {
    authorize: (req, signal) => {
      calls++;
      return simulated.authorize(req, signal);
    },
  };
  const gateway = withCircuitBreaker(counting, createCircuitBreaker({ failureThreshold: 2, clock }));
  for (let i = 0; i < 3; i++) {
    assert.equal(await gateway.authorize(request('tok_declined')), { outcome: 'declined', reason: 'declined' });
  }
  await rejectionOf(gateway.authorize(request('tok_error')));
  await rejectionOf(gateway.authorize(request('tok_error')));
  assert.is(calls, 5);
  assert.instance(await rejectionOf(gateway.authorize(request('tok_ok'))), CircuitOpenError);
  assert.is(calls, 5, 'an open circuit does not call the gateway');
});

test('the gateway wrapper: an aborted (timed out) call counts as a failure', async () => {
  const { clock } = fakeClock();
  const breaker = createCircuitBreaker({ failureThreshold: 1, clock });
  const gateway = withCircuitBreaker(simulatedPaymentGateway(), breaker);
  const controller = new AbortController();
  const pending = gateway.authorize(request('tok_timeout'), controller.signal);
  controller.abort(new Error('timed out'));
  assert.is(((await rejectionOf(pending)) as Error).message, 'timed out');
  assert.is(breaker.state(), 'open');
});

test('refuses a nonsensical configuration', () => {
  assert.throws(() => createCircuitBreaker({ failureThreshold: 0 }), /failureThreshold/);
  assert.throws(() => createCircuitBreaker({ openMs: -1 }), /openMs/);
});

test.run();
