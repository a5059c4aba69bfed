import { join } from 'node:path';

/**
 * How a process of the system is run. From the sources, `node --import tsx <entry>.ts`; once built
 * (`npm run build`, deploy/build.ts), `node dist/<entry>.js`: compiled JavaScript starts faster and spends
 * no CPU on transpiling. Whoever runs from dist/ runs its children from dist/ too.
 */
export const runsCompiled = import.meta.url.endsWith('.js');

/** The repository's root, from the sources or from dist/. */
export const sourceRoot = new URL(runsCompiled ? '../../' : '../', import.meta.url).pathname;

/** `node` arguments that run `entry` (a path like `commands/main.ts`, relative to the root). */
export const entryArguments = (entry: string, compiled = runsCompiled): string[] =>
  compiled
    ? ['--enable-source-maps', join(sourceRoot, 'dist', entry.replace(/\.ts$/, '.js'))]
    : ['--import', 'tsx', join(sourceRoot, entry)];
