import { TransientGatewayError } from '../../domain/payment/payment-gateway.ts';

/** The breaker refused the call without trying it; retrying later may succeed. */
export class CircuitOpenError extends TransientGatewayError {
  constructor(readonly retryAt: Date) {
    super(`the circuit is open: the gateway is not called until ${retryAt.toISOString()}`);
    this.name = 'CircuitOpenError';
  }
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before it lets one trial call through. Default 5,000 ms. */
  openMs?: number;
  clock?: () => Date;
}

export interface CircuitBreaker {
  /** Runs the call unless the circuit is open; a rejection counts as a failure, any resolved value as a success. */
  run<T>(call: () => Promise<T>): Promise<T>;
  state(): CircuitState;
}

export const defaultFailureThreshold = 5;
export const defaultOpenMs = 5_000;

type Circuit =
  | { status: 'closed'; consecutiveFailures: number }
  | { status: 'open'; retryAtMs: number; trialInFlight: boolean };

/**
 * Closed: calls go through and consecutive failures are counted. Open: every call fails fast with
 * CircuitOpenError. Once the pause is over the circuit is half-open: exactly one trial call goes through;
 * its success closes the circuit, its failure opens it for another pause.
 *
 * The state lives in this process only: each instance protects itself from a gateway that stopped answering.
 */
export const createCircuitBreaker = (options: CircuitBreakerOptions = {}): CircuitBreaker => {
  const failureThreshold = options.failureThreshold ?? defaultFailureThreshold;
  const openMs = options.openMs ?? defaultOpenMs;
  const clock = options.clock ?? (() => new Date());
  if (!Number.isSafeInteger(failureThreshold) || failureThreshold < 1) {
    throw new RangeError(`failureThreshold must be an integer >= 1, got ${failureThreshold}`);
  }
  if (!Number.isFinite(openMs) || openMs < 0) throw new RangeError(`openMs must be >= 0, got ${openMs}`);

  let circuit: Circuit = { status: 'closed', consecutiveFailures: 0 };
  const open = (): void => {
    circuit = { status: 'open', retryAtMs: clock().getTime() + openMs, trialInFlight: false };
  };

  const stateOf = (current: Circuit): CircuitState => {
    if (current.status === 'closed') return 'closed';
    return current.trialInFlight || clock().getTime() >= current.retryAtMs ? 'half_open' : 'open';
  };

  const runClosed = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      const value = await call();
      if (circuit.status === 'closed') circuit = { status: 'closed', consecutiveFailures: 0 };
      return value;
    } catch (error) {
      // A call that was under way when others opened the circuit must not count twice.
      if (circuit.status === 'closed') {
        const consecutiveFailures = circuit.consecutiveFailures + 1;
        if (consecutiveFailures >= failureThreshold) open();
        else circuit = { status: 'closed', consecutiveFailures };
      }
      throw error;
    }
  };

  const runTrial = async <T>(call: () => Promise<T>, trial: Circuit & { status: 'open' }): Promise<T> => {
    trial.trialInFlight = true;
    try {
      const value = await call();
      if (circuit === trial) circuit = { status: 'closed', consecutiveFailures: 0 };
      return value;
    } catch (error) {
      if (circuit === trial) open();
      throw error;
    }
  };

  return {
    run<T>(call: () => Promise<T>): Promise<T> {
      const current = circuit;
      if (current.status === 'closed') return runClosed(call);
      if (stateOf(current) === 'half_open' && !current.trialInFlight) return runTrial(call, current);
      return Promise.reject(new CircuitOpenError(new Date(current.retryAtMs)));
    },
    state: () => stateOf(circuit),
  };
};
