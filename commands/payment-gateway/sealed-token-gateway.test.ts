import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuthorizationRequest } from '../../domain/payment/payment-gateway.ts';
import { seal } from '../../platform/data-key.ts';
import { withSealedTokens } from './sealed-token-gateway.ts';

const sealed = suite('sealed card tokens');

sealed('the gateway sees the clear token; a clear token from before sealing passes unchanged', async () => {
  const key = randomBytes(32);
  const seen: string[] = [];
  const gateway = withSealedTokens(
    {
      authorize: async (request: AuthorizationRequest) => {
        seen.push(request.token);
        return { outcome: 'approved', authorizationId: 'a1' };
      },
    },
    key,
  );
  const request = { orderId: 'o1', method: 'card' as const, amount: 100 };
  await gateway.authorize({ ...request, token: seal(key, 'tok_ok') });
  await gateway.authorize({ ...request, token: 'tok_declined' });
  assert.equal(seen, ['tok_ok', 'tok_declined']);
});

sealed.run();
