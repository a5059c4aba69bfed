/**
 * `npm run build`: compiles the services to JavaScript in dist/ (git-ignored) with tsc, and copies the files
 * they read at run time (Avro schemas, migrations, the dashboard page) beside the output, so dist/ runs with
 * plain `node`. `--if-needed` does nothing when dist/ is newer than every source file: `npm start` uses it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, 'dist');
const stampFile = join(outDir, '.build-stamp');
/** Not part of what runs in production. */
const skipped = new Set(['node_modules', 'dist', 'bench', 'test', 'test-output', 'docs']);

/** Every file of the source tree that the build depends on, with its folder-relative path. */
const sourceFiles = (folder = root): string[] =>
  readdirSync(folder).flatMap((entry) => {
    if (entry.startsWith('.') || (folder === root && skipped.has(entry))) return [];
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return folder === root ? [] : [path];
  });

const isAsset = (path: string) => !path.endsWith('.ts') && !path.endsWith('.md');

const newestSource = (): number =>
  Math.max(
    ...[
      ...sourceFiles(),
      join(root, 'tsconfig.json'),
      join(root, 'tsconfig.build.json'),
      join(root, 'package-lock.json'),
    ]
      .filter(existsSync)
      .map((path) => statSync(path).mtimeMs),
  );

const upToDate = () => existsSync(stampFile) && statSync(stampFile).mtimeMs >= newestSource();

const build = () => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (compiled.status !== 0) {
    console.error(`build failed: tsc exited with ${compiled.status ?? compiled.signal}`);
    process.exit(1);
  }
  let assets = 0;
  for (const path of sourceFiles().filter(isAsset)) {
    const target = join(outDir, relative(root, path));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(path, target);
    assets++;
  }
  writeFileSync(stampFile, `${new Date().toISOString()}\n`);
  console.log(`built dist/ (${assets} files copied beside the compiled output)`);
};

if (process.argv.includes('--if-needed') && upToDate()) process.exit(0);
build();
