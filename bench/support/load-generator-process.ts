/**
 * The load generator's process (forked by load-generator.ts): runs the steps it is sent and streams the
 * answers back every 100 ms. One keep-alive agent for every step, so the warm-up opens the connections.
 */
import { Agent } from 'node:http';
import { mintToken } from '../../platform/auth/token-minter.ts';
import type { AnswerRow, GeneratorMessage, LoadStep } from './load-generator.ts';
import { runOpenLoad } from './open-load.ts';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const send = (message: GeneratorMessage) => process.send?.(message);

/** Orders come from this many customers, each with a token of its own, as real shoppers would send them. */
const customers = 1000;

const customerTokens = (secret: string): Promise<string[]> => {
  const settings = {
    keys: { kind: 'secret' as const, secret: new TextEncoder().encode(secret), source: 'environment' as const },
  };
  return Promise.all(
    Array.from({ length: customers }, (_, index) =>
      mintToken(settings, { role: 'customer', subject: `bench-customer-${index}`, ttlSeconds: 6 * 3_600 }),
    ),
  );
};

const runStep = async (step: LoadStep) => {
  const tokens = await customerTokens(step.authSecret);
  let rows: AnswerRow[] = [];
  const flush = () => {
    if (rows.length === 0) return;
    send({ type: 'answers', step: step.step, rows });
    rows = [];
  };
  const timer = setInterval(flush, 100);
  try {
    const result = await runOpenLoad({
      baseUrl: step.baseUrl,
      ratePerSecond: step.rate,
      durationMs: step.durationMs,
      agent,
      requestFor: (index) => ({
        path: '/orders',
        headers: { authorization: `Bearer ${tokens[index % customers]}` },
        body: {
          items: [{ sku: step.skus[index % step.skus.length], quantity: 1 }],
          payment: [{ method: 'card', amount: step.unitPrice, token: 'tok_ok' }],
        },
      }),
      onAnswer: (timing, status, body) => {
        let orderId = '';
        if (status === 202) {
          try {
            orderId = (JSON.parse(body) as { orderId?: string }).orderId ?? '';
          } catch {
            // counted as an answer without an order
          }
        }
        rows.push([timing.scheduledAt, timing.sentAt, timing.answeredAt, status, orderId]);
      },
    });
    clearInterval(timer);
    flush();
    send({ type: 'done', step: step.step, result });
  } catch (error) {
    clearInterval(timer);
    send({ type: 'failed', step: step.step, error: error instanceof Error ? error.message : String(error) });
  }
};

process.on('message', (step: LoadStep) => void runStep(step));
process.on('SIGTERM', () => {
  agent.destroy();
  process.exit(0);
});
process.on('disconnect', () => process.exit(0));
