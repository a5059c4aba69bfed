import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { unavailableDependencyOf } from '../unavailable.ts';
import { InvalidToken, tokenVerifier } from './token-verifier.ts';

/**
 * AUTH_JWKS_URL against a real HTTP server playing the identity provider: RS256 and ES256 tokens verify,
 * a rotated-in key is fetched when a token names it, HS256 is refused, and a provider that is away is a
 * 503 (dependency), not a 401.
 */
interface Provider {
  url: URL;
  keys: JWK[];
  server: Server;
}

const startProvider = async (): Promise<Provider> => {
  const provider = { keys: [] as JWK[] } as Provider;
  provider.server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: provider.keys }));
  });
  await new Promise<void>((resolve) => provider.server.listen(0, '127.0.0.1', resolve));
  provider.url = new URL(`http://127.0.0.1:${(provider.server.address() as AddressInfo).port}/jwks.json`);
  return provider;
};

const keyPair = async (alg: 'RS256' | 'ES256', kid: string) => {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
};

const sign = (alg: string, kid: string, key: Parameters<SignJWT['sign']>[0], claims: Record<string, unknown> = {}) =>
  new SignJWT({ roles: ['customer'], ...claims })
    .setProtectedHeader({ alg, kid })
    .setSubject('c1')
    .setIssuer('https://id.test/')
    .setExpirationTime(Math.floor(Date.now() / 1000) + 60)
    .sign(key);

const jwks = suite('tokens from an identity provider (JWKS)', { provider: undefined as unknown as Provider });
jwks.before(async (ctx) => {
  ctx.provider = await startProvider();
});
jwks.after(async (ctx) => {
  ctx.provider.server.closeAllConnections();
  await new Promise((resolve) => ctx.provider.server.close(resolve));
});

jwks('RS256 and ES256 verify; a key rotated in later is fetched when a token names it', async ({ provider }) => {
  const rsa = await keyPair('RS256', 'rsa-1');
  const ec = await keyPair('ES256', 'ec-1');
  provider.keys = [rsa.jwk, ec.jwk];
  const verify = tokenVerifier({ keys: { kind: 'jwks', url: provider.url }, issuer: 'https://id.test/' });
  assert.equal(await verify(await sign('RS256', 'rsa-1', rsa.privateKey)), { subject: 'c1', role: 'customer' });
  assert.equal(await verify(await sign('ES256', 'ec-1', ec.privateKey)), { subject: 'c1', role: 'customer' });

  const next = await keyPair('RS256', 'rsa-2');
  provider.keys = [rsa.jwk, next.jwk];
  // A token names a kid the cached set lacks: jose fetches the set again (at most every 30 s; the first fetch was just now,
  // so this verifier is new, as a restarted or second instance would be).
  const fresh = tokenVerifier({ keys: { kind: 'jwks', url: provider.url }, issuer: 'https://id.test/' });
  assert.equal(await fresh(await sign('RS256', 'rsa-2', next.privateKey)), { subject: 'c1', role: 'customer' });
});

jwks('HS256, alg none and a key the provider never published are invalid tokens', async ({ provider }) => {
  const rsa = await keyPair('RS256', 'rsa-3');
  provider.keys = [rsa.jwk];
  const verify = tokenVerifier({ keys: { kind: 'jwks', url: provider.url } });
  const refusal = async (token: string) => {
    try {
      await verify(token);
    } catch (error) {
      return error;
    }
    return undefined;
  };
  assert.instance(await refusal(await sign('HS256', 'rsa-3', new TextEncoder().encode('x'.repeat(64)))), InvalidToken);
  const stranger = await keyPair('RS256', 'rsa-3');
  assert.instance(await refusal(await sign('RS256', 'rsa-3', stranger.privateKey)), InvalidToken);
  const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ sub: 'c1', exp: Math.floor(Date.now() / 1000) + 60 })).toString(
    'base64url',
  );
  assert.instance(await refusal(`${header}.${payload}.`), InvalidToken);
});

jwks('a provider that does not answer makes a 503, not a 401', async () => {
  const closed = await startProvider();
  const url = closed.url;
  await new Promise((resolve) => closed.server.close(resolve));
  const rsa = await keyPair('RS256', 'rsa-4');
  const verify = tokenVerifier({ keys: { kind: 'jwks', url } });
  try {
    await verify(await sign('RS256', 'rsa-4', rsa.privateKey));
    assert.unreachable('verified without keys');
  } catch (error) {
    assert.not.instance(error, InvalidToken);
    assert.is(unavailableDependencyOf(error), 'identity-provider');
  }
});

jwks.run();
