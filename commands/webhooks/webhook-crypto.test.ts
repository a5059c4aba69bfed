import { createHmac, randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { secretBox } from './secret-box.ts';
import { newWebhookSecret, signedHeaders, verifyWebhook } from './webhook-signature.ts';

const signing = suite('webhook signatures');
const at = new Date('2026-12-03T12:00:00.000Z');

signing('the signature is HMAC-SHA256 of id.timestamp.body under the decoded secret, v1-prefixed', () => {
  const secret = newWebhookSecret();
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
  const body = '{"type":"order.confirmed"}';
  const headers = signedHeaders(secret, 'msg_1', at, body);
  assert.is(headers['Webhook-Timestamp'], '1796299200');
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const mac = createHmac('sha256', key).update(`msg_1.1796299200.${body}`).digest('base64');
  assert.is(headers['Webhook-Signature'], `v1,${mac}`);
});

signing('a receiver accepts the genuine message and refuses tampering, other secrets and stale timestamps', () => {
  const secret = newWebhookSecret();
  const body = '{"a":1}';
  const h = signedHeaders(secret, 'msg_2', at, body);
  const headers = { id: h['Webhook-Id'], timestamp: h['Webhook-Timestamp'], signature: h['Webhook-Signature'] };
  assert.ok(verifyWebhook(secret, headers, body, at));
  assert.ok(verifyWebhook(secret, { ...headers, signature: `v1,bogus ${headers.signature}` }, body, at));
  assert.not.ok(verifyWebhook(secret, headers, '{"a":2}', at));
  assert.not.ok(verifyWebhook(secret, { ...headers, id: 'msg_3' }, body, at));
  assert.not.ok(verifyWebhook(newWebhookSecret(), headers, body, at));
  assert.not.ok(verifyWebhook(secret, headers, body, new Date(at.getTime() + 301_000)));
});

const sealing = suite('secrets at rest');

sealing(
  'the secret is sealed under the data key (AES-256-GCM) and opens again; tampering and other keys are refused',
  () => {
    const key = randomBytes(32);
    const box = secretBox(key);
    const stored = box.seal('whsec_abc');
    assert.match(stored, /^sealed:v1:/);
    assert.not.match(stored, /whsec_abc/);
    assert.is(box.open(stored), 'whsec_abc');
    assert.is.not(box.seal('whsec_abc'), stored, 'a fresh nonce every time');
    const tampered = `${stored.slice(0, -3)}${stored.endsWith('A') ? 'B' : 'A'}${stored.slice(-2)}`;
    assert.throws(() => box.open(tampered));
    assert.throws(() => secretBox(randomBytes(32)).open(stored));
    assert.throws(() => box.open('whsec_abc'), /not a sealed value/);
  },
);

signing.run();
sealing.run();
