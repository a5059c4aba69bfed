import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeConsistencyToken, encodeConsistencyToken } from './consistency-token.ts';

test('a token names a stream and version and round-trips', () => {
  const token = encodeConsistencyToken({ streamId: 'order-3f2a@x', version: 7 });
  assert.ok(/^[A-Za-z0-9_-]+$/.test(token), 'url-safe');
  assert.equal(decodeConsistencyToken(token), { streamId: 'order-3f2a@x', version: 7 });
});

test('anything else is not a token', () => {
  for (const bad of [
    '',
    'not a token!',
    Buffer.from('order-1@-1').toString('base64url'),
    Buffer.from('@3').toString('base64url'),
    Buffer.from('order-1@1.5').toString('base64url'),
  ]) {
    assert.is(decodeConsistencyToken(bad), undefined, bad);
  }
});

test('a token that names a NUL, a control character or an impossible version is not ours', () => {
  for (const bad of ['order-1\u0000@1', 'order-\n@1', 'order-1@2147483648', 'order-1@99999999999999999999']) {
    assert.is(decodeConsistencyToken(Buffer.from(bad).toString('base64url')), undefined, JSON.stringify(bad));
  }
  assert.equal(decodeConsistencyToken(encodeConsistencyToken({ streamId: 'order-1', version: 2_147_483_647 })), {
    streamId: 'order-1',
    version: 2_147_483_647,
  });
});

test.run();
