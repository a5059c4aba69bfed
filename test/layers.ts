import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The layer rule (docs/architecture.md): a file may import files of its own layer or of a lower one,
 * never of a higher one. Folders are matched by their longest prefix; tests follow the rule of the
 * folder they sit in.
 */
export const layers: readonly { layer: number; prefixes: readonly string[] }[] = [
  { layer: 0, prefixes: ['domain/'] },
  { layer: 1, prefixes: ['schemas/'] },
  { layer: 2, prefixes: ['platform/', 'deploy/', 'commands/event-store/', 'test/support/'] },
  { layer: 3, prefixes: ['commands/'] },
  { layer: 4, prefixes: ['projections/'] },
  { layer: 5, prefixes: ['read-api/', 'cli/'] },
  { layer: 6, prefixes: ['bench/', 'test/', 'deploy/start.ts', 'deploy/services.ts'] },
];

/** Imports the layer order alone would allow but the design forbids: the query side never reaches the write side. */
export const forbidden: readonly { from: string; to: string; why: string }[] = [
  { from: 'read-api/', to: 'commands/', why: 'the query API only reads: projections/ and platform/' },
];

export interface SourceFile {
  path: string;
  imports: string[];
}

export interface Violation {
  from: string;
  to: string;
  why: string;
}

export const layerOf = (path: string): number | undefined => {
  let best: { layer: number; length: number } | undefined;
  for (const { layer, prefixes } of layers) {
    for (const prefix of prefixes) {
      if (path.startsWith(prefix) && (!best || prefix.length > best.length)) best = { layer, length: prefix.length };
    }
  }
  return best?.layer;
};

export const layerViolations = (files: readonly SourceFile[]): Violation[] =>
  files.flatMap(({ path, imports }) => {
    const from = layerOf(path);
    return imports.flatMap((to): Violation[] => {
      const target = layerOf(to);
      const rule = forbidden.find((pair) => path.startsWith(pair.from) && to.startsWith(pair.to));
      if (rule) return [{ from: path, to, why: rule.why }];
      if (from === undefined || target === undefined || target <= from) return [];
      return [{ from: path, to, why: `layer ${from} imports layer ${target}` }];
    });
  });

const importPattern =
  /(?:^|[^\w.])(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Every `.ts` file under `root` (but node_modules and dot folders) with the relative imports it names, as root-relative paths. */
export const sourceFiles = (root: string, folder = ''): SourceFile[] =>
  readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(root, path);
    if (!/\.(ts|mjs)$/.test(entry.name)) return [];
    const text = readFileSync(join(root, path), 'utf8');
    const imports = [...text.matchAll(importPattern)].map((match) =>
      normalize(join(dirname(path), (match[1] ?? match[2]) as string)),
    );
    return [{ path, imports: imports.map((target) => relative('.', target)) }];
  });

/**
 * Upward imports tolerated while their owners move code (none today: the saga's rules moved to
 * domain/order-saga). Each entry is `from -> to`; the list only shrinks: an entry that no longer
 * occurs fails the test, so it is removed when its import goes.
 */
export const knownViolations: readonly string[] = [];

/**
 * Import cycles among the files, each as its files starting from the smallest path: a depth-first search reports
 * the cycle every back edge closes, so a tree with any cycle yields at least one (not necessarily every cycle of a
 * tangle). Type-only and dynamic imports count: a cycle of either still ties the files' meaning together.
 */
export const importCycles = (files: readonly SourceFile[]): string[][] => {
  const importsOf = new Map(files.map(({ path, imports }) => [path, imports]));
  const done = new Set<string>();
  const cycles = new Map<string, string[]>();
  const visit = (path: string, trail: string[]) => {
    const seenAt = trail.indexOf(path);
    if (seenAt >= 0) {
      const cycle = trail.slice(seenAt);
      const start = cycle.indexOf([...cycle].sort()[0]!);
      const ordered = [...cycle.slice(start), ...cycle.slice(0, start)];
      cycles.set(ordered.join(' -> '), ordered);
      return;
    }
    if (done.has(path) || !importsOf.has(path)) return;
    for (const target of importsOf.get(path) ?? []) visit(target, [...trail, path]);
    done.add(path);
  };
  for (const { path } of files) visit(path, []);
  return [...cycles.values()];
};
