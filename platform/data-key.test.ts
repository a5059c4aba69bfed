import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isSealed, keyedUuid, seal, unseal } from './data-key.ts';

const key = randomBytes(32);
const dataKey = suite('data key');

dataKey('a sealed value opens under its key only, differs each time, and hides the text', () => {
  const sealed = seal(key, 'tok_ok');
  assert.ok(isSealed(sealed));
  assert.not.match(sealed, /tok_ok/);
  assert.is.not(seal(key, 'tok_ok'), sealed, 'a fresh nonce each time');
  assert.is(unseal(key, sealed), 'tok_ok');
  assert.throws(() => unseal(randomBytes(32), sealed));
  // One bit of the ciphertext flipped: the authentication tag no longer matches.
  const [nonce, ciphertext, tag] = sealed.slice('sealed:v1:'.length).split('.');
  const flipped = Buffer.from(ciphertext as string, 'base64url');
  flipped[0] = (flipped[0] as number) ^ 1;
  assert.throws(
    () => unseal(key, `sealed:v1:${nonce}.${flipped.toString('base64url')}.${tag}`),
    /unable to authenticate/,
  );
  assert.throws(() => unseal(key, 'tok_ok'));
});

dataKey('keyed ids are stable for a name, differ per key and name, and are UUID-shaped', () => {
  const id = keyedUuid(key, 'order:c1:key-1');
  assert.is(keyedUuid(key, 'order:c1:key-1'), id);
  assert.is.not(keyedUuid(key, 'order:c2:key-1'), id);
  assert.is.not(keyedUuid(randomBytes(32), 'order:c1:key-1'), id);
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

dataKey.run();
