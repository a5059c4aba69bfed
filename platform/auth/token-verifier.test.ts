import { generateKeyPair, SignJWT } from 'jose';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuthSettings } from './auth-settings.ts';
import { mintToken } from './token-minter.ts';
import { InvalidToken, tokenVerifier } from './token-verifier.ts';

const secret = new TextEncoder().encode('a'.repeat(64));
const settings: AuthSettings = {
  keys: { kind: 'secret', secret, source: 'environment' },
  issuer: 'iss-a',
  audience: 'aud-a',
};
const verify = tokenVerifier(settings);
const now = () => Math.floor(Date.now() / 1000);

const refusal = async (token: string): Promise<string> => {
  try {
    await verify(token);
  } catch (error) {
    assert.instance(error, InvalidToken);
    return (error as Error).message;
  }
  throw new Error('the token was accepted');
};

const tokens = suite('token verifier');

tokens('a minted token gives its subject and role; operator wins over customer', async () => {
  assert.equal(await verify(await mintToken(settings, { role: 'customer', subject: 'c1', ttlSeconds: 60 })), {
    subject: 'c1',
    role: 'customer',
  });
  const both = await new SignJWT({ roles: ['customer', 'operator'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('o1')
    .setIssuer('iss-a')
    .setAudience('aud-a')
    .setExpirationTime(now() + 60)
    .sign(secret);
  assert.equal(await verify(both), { subject: 'o1', role: 'operator' });
  const single = await new SignJWT({ role: 'customer' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('c2')
    .setIssuer('iss-a')
    .setAudience('aud-a')
    .setExpirationTime(now() + 60)
    .sign(secret);
  assert.equal(await verify(single), { subject: 'c2', role: 'customer' }, 'the `role` claim works too');
});

tokens('refuses expired, unsigned, wrongly signed, wrongly issued, without exp or sub', async () => {
  const base = () =>
    new SignJWT({ roles: ['operator'] }).setProtectedHeader({ alg: 'HS256' }).setIssuer('iss-a').setAudience('aud-a');
  assert.match(
    await refusal(
      await base()
        .setSubject('x')
        .setExpirationTime(now() - 10)
        .sign(secret),
    ),
    /expired/,
  );
  assert.match(await refusal(await base().setSubject('x').sign(secret)), /exp/);
  assert.match(
    await refusal(
      await base()
        .setExpirationTime(now() + 60)
        .sign(secret),
    ),
    /sub/,
  );
  assert.match(
    await refusal(
      await base()
        .setSubject('x')
        .setExpirationTime(now() + 60)
        .sign(new TextEncoder().encode('b'.repeat(64))),
    ),
    /signature/,
  );
  assert.match(
    await refusal(
      await base()
        .setSubject('x')
        .setIssuer('other')
        .setExpirationTime(now() + 60)
        .sign(secret),
    ),
    /iss/,
  );
  assert.match(
    await refusal(
      await base()
        .setSubject('x')
        .setAudience('other')
        .setExpirationTime(now() + 60)
        .sign(secret),
    ),
    /aud/,
  );
  const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify({ sub: 'x', roles: ['operator'], iss: 'iss-a', aud: 'aud-a', exp: now() + 60 }),
  ).toString('base64url');
  assert.match(await refusal(`${header}.${payload}.`), /algorithm|malformed/);
  assert.match(await refusal('not-a-jwt'), /malformed/);
});

tokens('an RS256 token is refused by an HS256 configuration (algorithms other than the configured ones)', async () => {
  const { privateKey } = await generateKeyPair('RS256');
  const token = await new SignJWT({ roles: ['operator'] })
    .setProtectedHeader({ alg: 'RS256' })
    .setSubject('x')
    .setIssuer('iss-a')
    .setAudience('aud-a')
    .setExpirationTime(now() + 60)
    .sign(privateKey);
  assert.match(await refusal(token), /algorithm/);
});

tokens('a JWKS configuration cannot mint', async () => {
  const jwks: AuthSettings = { keys: { kind: 'jwks', url: new URL('http://127.0.0.1:9/jwks.json') } };
  try {
    await mintToken(jwks, { role: 'operator', subject: 'x', ttlSeconds: 60 });
    assert.unreachable('minted');
  } catch (error) {
    assert.match((error as Error).message, /cannot sign/);
  }
});

tokens.run();
