import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

const installLock = join(tmpdir(), 'order-backend-chromium-install.lock');

const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Installs the Debian `chromium` package when it is missing (root only). Test files run side by side,
 * so the install runs under a file lock and whoever gets it second finds Chromium already there.
 */
export const ensureChromium = (): string => {
  if (existsSync(chromiumPath)) return chromiumPath;
  if (process.getuid?.() !== 0) {
    throw new Error(`Chromium is missing at ${chromiumPath}; install it as root: apt-get install -y chromium`);
  }
  const script = `test -x ${chromiumPath} || { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; }`;
  try {
    execFileSync('flock', [installLock, 'sh', '-c', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 600_000,
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    const reason = stderr.split('\n').pop() || (error as Error).message;
    throw new Error(`could not install Chromium with apt-get: ${reason}`);
  }
  if (!existsSync(chromiumPath)) throw new Error(`apt-get ran but ${chromiumPath} is still missing`);
  return chromiumPath;
};

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Headless Chromium started with exactly our flags and a fresh profile, driven by Playwright over
 * the DevTools protocol (Playwright's own launcher would add flags of its own and refuse a profile dir).
 */
export const launchBrowser = async (): Promise<LaunchedBrowser> => {
  const executable = ensureChromium();
  const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
  const child = spawn(
    executable,
    [...chromiumFlags, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    const endpoint = await devToolsEndpoint(child);
    const browser = await chromium.connectOverCDP(endpoint);
    return {
      browser,
      close: async () => {
        await browser.close().catch(() => undefined);
        await stopProcess(child);
        // Chromium's helper processes may still be flushing into the profile (session storage) a moment longer.
        await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      },
    };
  } catch (error) {
    await stopProcess(child);
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
};

const devToolsEndpoint = (child: ChildProcess): Promise<string> =>
  new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error('Chromium did not open its DevTools port within 30 s')), 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(new Error(`${error.message}\n${output.slice(-2_000)}`));
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`Chromium exited with ${code} before it was ready`)));
  });

const stopProcess = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
};
