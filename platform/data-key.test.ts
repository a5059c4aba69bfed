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
  const tampered = `${sealed.slice(0, -3)}${sealed.endsWith('A') ? 'B' : 'A'}${sealed.slice(-2)}`;
  assert.throws(() => unseal(key, tampered));
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
