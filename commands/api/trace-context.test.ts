import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { traceparentFor } from './trace-context.ts';

const trace = suite('traceparentFor');
const shape = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

trace('continues the caller trace with a span of its own', () => {
  const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const recorded = traceparentFor(incoming);
  assert.match(recorded, shape);
  assert.ok(recorded.startsWith('00-0af7651916cd43dd8448eb211c80319c-'));
  assert.not.ok(recorded.includes('b7ad6b7169203331'));
  assert.ok(recorded.endsWith('-01'));
});

trace('starts a new trace when the header is absent or invalid', () => {
  for (const incoming of [undefined, 'garbage', '00-00000000000000000000000000000000-b7ad6b7169203331-01']) {
    const recorded = traceparentFor(incoming);
    assert.match(recorded, shape);
    assert.not.ok(recorded.includes('00000000000000000000000000000000'));
  }
  assert.is.not(traceparentFor(undefined), traceparentFor(undefined));
});

trace.run();
