import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureLocalKeys, loadAuthSettings, localAuthSecretFile } from '../deploy/auth-config.ts';
import { tokenVerifier } from '../platform/auth/token-verifier.ts';
import { testTokens } from '../test/support/tokens.ts';
import { runCli } from './testing/run-cli.ts';

/** `ops auth token`: the token alone on stdout, verifiable with the same key; one-line refusals. */
const auth = suite('ops auth token');

const noKeys = { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: '', AUTH_ISSUER: '', AUTH_AUDIENCE: '' };

auth(
  'prints only a token the APIs accept, with the role, subject, issuer, audience and lifetime asked for',
  async () => {
    const tokens = testTokens({ issuer: 'https://id.test/', audience: 'orders' });
    const result = await runCli(['auth', 'token', '--role', 'operator', '--subject', 'me', '--ttl', '15m'], {
      ...noKeys,
      AUTH_JWT_SECRET: tokens.secretText,
      AUTH_ISSUER: 'https://id.test/',
      AUTH_AUDIENCE: 'orders',
    });
    assert.is(result.code, 0, result.stderr);
    assert.match(result.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/, 'one line, the token alone');
    const token = result.stdout.trim();
    assert.equal(await tokens.verifyToken(token), { subject: 'me', role: 'operator' });
    const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as {
      iat: number;
      exp: number;
    };
    assert.is(claims.exp - claims.iat, 900);
  },
);

auth('with no key configured it signs with the local development key stack:up writes (mode 600)', async () => {
  const runDir = await mkdtemp(join(tmpdir(), 'auth-run-'));
  try {
    const missing = await runCli(['auth', 'token', '--role', 'customer', '--subject', 'c1'], {
      ...noKeys,
      STACK_RUN_DIR: runDir,
    });
    assert.is(missing.code, 1);
    assert.is(missing.stdout, '');
    assert.match(missing.stderr, /^orders-ops: no token key: .*stack:up.*\n$/);

    assert.is(ensureLocalKeys(runDir).length, 2);
    assert.is(ensureLocalKeys(runDir).length, 0, 'created once, then kept');
    assert.is((await stat(localAuthSecretFile(runDir))).mode & 0o777, 0o600);
    const result = await runCli(['auth', 'token', '--role', 'customer', '--subject', 'c1'], {
      ...noKeys,
      STACK_RUN_DIR: runDir,
    });
    assert.is(result.code, 0, result.stderr);
    const verify = tokenVerifier(loadAuthSettings({ STACK_RUN_DIR: runDir }));
    assert.equal(await verify(result.stdout.trim()), { subject: 'c1', role: 'customer' });
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
});

auth('refuses in one line: JWKS only (cannot sign), bad role, no subject, bad ttl, a short secret', async () => {
  const cases: [string[], Record<string, string>, RegExp, number][] = [
    [['--role', 'operator', '--subject', 'me'], { AUTH_JWKS_URL: 'https://id.test/jwks.json' }, /cannot sign/, 1],
    [['--role', 'admin', '--subject', 'me'], {}, /--role must be one of customer, operator/, 2],
    [['--role', 'customer'], {}, /--subject <id> is required/, 2],
    [['--role', 'customer', '--subject', 'c1', '--ttl', '90d'], {}, /--ttl must be from 1s to 30d/, 2],
    [['--role', 'customer', '--subject', 'c1'], { AUTH_JWT_SECRET: 'short' }, /at least 32 bytes/, 1],
  ];
  const secret = testTokens().secretText;
  for (const [args, env, message, code] of cases) {
    const result = await runCli(['auth', 'token', ...args], {
      ...noKeys,
      AUTH_JWT_SECRET: secret,
      ...env,
      ...(env.AUTH_JWKS_URL ? { AUTH_JWT_SECRET: '' } : {}),
    });
    assert.is(result.code, code, `${args.join(' ')}: ${result.stderr}`);
    assert.is(result.stdout, '');
    assert.match(result.stderr, message);
    assert.is(result.stderr.trim().split('\n').length, 1, 'one line');
  }
});

auth.run();
