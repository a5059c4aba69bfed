import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isLocalName, isPrivateAddress } from './private-address.ts';

const test = suite('private addresses');

test('private, loopback, link-local and reserved ranges of both families are refused', () => {
  for (const address of [
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '[::1]',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:a00:1',
    '::ffff:169.254.169.254',
  ]) {
    assert.ok(isPrivateAddress(address), address);
  }
});

test('public addresses and names pass (names are judged by what they resolve to)', () => {
  for (const address of [
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    'example.com',
  ]) {
    assert.not.ok(isPrivateAddress(address), address);
  }
});

test('localhost and its subdomains are this machine', () => {
  assert.ok(isLocalName('localhost'));
  assert.ok(isLocalName('LOCALHOST.'));
  assert.ok(isLocalName('api.localhost'));
  assert.not.ok(isLocalName('localhost.example.com'));
});

test.run();
