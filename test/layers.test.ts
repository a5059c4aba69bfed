import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { importCycles, knownViolations, layerOf, layerViolations, type SourceFile, sourceFiles } from './layers.ts';

const root = new URL('..', import.meta.url).pathname;
const named = (violations: { from: string; to: string }[]) => violations.map(({ from, to }) => `${from} -> ${to}`);

const layers = suite('layers: domain <- schemas <- platform/adapters <- commands <- projections <- read-api | cli');

layers('the tree has no upward import beyond the known ones, and every known one still occurs', () => {
  const found = named(layerViolations(sourceFiles(root)));
  assert.equal(
    found.filter((violation) => !knownViolations.includes(violation)),
    [],
    'new upward imports: move the code down or the import up (docs/architecture.md)',
  );
  assert.equal(
    knownViolations.filter((violation) => !found.includes(violation)),
    [],
    'fixed: remove these from knownViolations',
  );
});

layers('a planted upward import fails the check', () => {
  const tree = sourceFiles(root);
  const planted: SourceFile[] = [
    ...tree,
    { path: 'domain/order/planted.ts', imports: ['schemas/avro-codec.ts'] },
    { path: 'schemas/planted.ts', imports: ['platform/http/problem.ts'] },
    { path: 'commands/api/planted.ts', imports: ['projections/orders/order-queries.ts'] },
    { path: 'projections/planted.ts', imports: ['read-api/read-api.ts'] },
    { path: 'read-api/planted.ts', imports: ['commands/api/idempotency.ts'] },
  ];
  assert.equal(
    named(layerViolations(planted)).filter((violation) => violation.includes('planted')),
    [
      'domain/order/planted.ts -> schemas/avro-codec.ts',
      'schemas/planted.ts -> platform/http/problem.ts',
      'commands/api/planted.ts -> projections/orders/order-queries.ts',
      'projections/planted.ts -> read-api/read-api.ts',
      'read-api/planted.ts -> commands/api/idempotency.ts',
    ],
  );
});

layers('imports are read from real files: static, re-exports, type-only and dynamic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  try {
    mkdirSync(join(dir, 'schemas'));
    mkdirSync(join(dir, 'domain'));
    writeFileSync(
      join(dir, 'schemas', 'planted.ts'),
      [
        "import { a } from '../projections/a.ts';",
        "import type { B } from '../commands/b.ts';",
        "export { c } from '../read-api/c.ts';",
        "const d = await import('../cli/d.ts');",
        "import { e } from '../domain/e.ts';",
        "import { z } from 'zod';",
      ].join('\n'),
    );
    writeFileSync(join(dir, 'domain', 'fine.ts'), "import { f } from './f.ts';\n");
    assert.equal(named(layerViolations(sourceFiles(dir))), [
      'schemas/planted.ts -> projections/a.ts',
      'schemas/planted.ts -> commands/b.ts',
      'schemas/planted.ts -> read-api/c.ts',
      'schemas/planted.ts -> cli/d.ts',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

layers('folders map to their layer by the longest prefix', () => {
  assert.is(layerOf('domain/order/decide.ts'), 0);
  assert.is(layerOf('commands/event-store/event-store.ts'), 2);
  assert.is(layerOf('commands/api/orders-routes.ts'), 3);
  assert.is(layerOf('deploy/config.ts'), 2);
  assert.is(layerOf('deploy/start.ts'), 6);
  assert.is(layerOf('test/support/postgres.ts'), 2);
  assert.is(layerOf('test/run.ts'), 6);
});

layers('no import cycle in the tree, and a planted one is found', () => {
  const tree = sourceFiles(root);
  assert.equal(importCycles(tree), [], 'break the cycle: move what both sides need into a file of its own');
  const planted: SourceFile[] = [
    ...tree,
    { path: 'cli/planted-list.ts', imports: ['cli/planted-command.ts'] },
    { path: 'cli/planted-command.ts', imports: ['cli/planted-types.ts', 'cli/planted-list.ts'] },
    { path: 'cli/planted-types.ts', imports: [] },
  ];
  assert.equal(importCycles(planted), [['cli/planted-command.ts', 'cli/planted-list.ts']]);
});

layers.run();
