import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkAppendArguments } from './append-arguments.ts';
import type { ExpectedVersion, NewEvent } from './event-store.ts';

const test = suite('append arguments');

class DuplicateId extends Error {}
const rules = { duplicateId: (streamId: string, detail: string) => new DuplicateId(`${streamId}: ${detail}`) };
const event = (id: string = randomUUID(), type = 'Happened'): NewEvent => ({ id, type, data: {} });

const refusal = (run: () => void): Error => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  assert.unreachable('accepted');
  throw new Error('unreachable');
};

test('well-formed appends pass', () => {
  for (const expected of ['any', 'no_stream', 0, 7] as ExpectedVersion[]) {
    checkAppendArguments('s-1', [event(), event()], expected, rules);
  }
  checkAppendArguments('s-1', [], 'any', { ...rules, maxEvents: 0 });
});

test('each malformed argument is refused with its own error', () => {
  assert.instance(
    refusal(() => checkAppendArguments('', [event()], 'any', rules)),
    TypeError,
  );
  for (const expected of [-1, 1.5, 'latest'] as unknown as ExpectedVersion[]) {
    assert.instance(
      refusal(() => checkAppendArguments('s-1', [event()], expected, rules)),
      RangeError,
    );
  }
  assert.match(
    refusal(() => checkAppendArguments('s-1', [event(), event()], 'any', { ...rules, maxEvents: 1 })).message,
    'at most 1 events per append, got 2',
  );
  assert.match(
    refusal(() => checkAppendArguments('s-1', [event('not-a-uuid')], 'any', rules)).message,
    'must be a UUID',
  );
  assert.match(
    refusal(() => checkAppendArguments('s-1', [event(undefined, '')], 'any', rules)).message,
    'needs a non-empty type',
  );
  const id = randomUUID();
  const twice = refusal(() => checkAppendArguments('s-1', [event(id), event(id.toUpperCase())], 'any', rules));
  assert.instance(twice, DuplicateId, "the store's own error for an id given twice");
  assert.match(twice.message, 'appears twice in one append');
});

test.run();
