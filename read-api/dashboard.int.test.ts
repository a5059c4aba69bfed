import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type LaunchedBrowser, launchBrowser } from '../test/support/browser.ts';
import { uniqueName } from '../test/support/names.ts';
import { type RunningPipeline, startPipeline } from '../test/support/pipeline.ts';

const screenshotPath = new URL('../test-output/dashboard.png', import.meta.url).pathname;

const post = async (pipeline: RunningPipeline, url: string, body: unknown) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...pipeline.operator },
    body: JSON.stringify(body),
  });
  const answer = { status: response.status, headers: response.headers, body: await response.json() };
  if (response.status >= 300) throw new Error(`POST ${url}: ${response.status} ${JSON.stringify(answer.body)}`);
  return answer;
};

const dashboard = suite('dashboard in a browser', {
  pipeline: undefined as unknown as RunningPipeline,
  browser: undefined as unknown as LaunchedBrowser,
});

dashboard.before(async (ctx) => {
  try {
    ctx.browser = await launchBrowser();
    ctx.pipeline = await startPipeline();
  } catch (error) {
    // uvu drops an error thrown by a hook without a word; say why every test is about to fail.
    console.error(`the dashboard test could not start: ${(error as Error).stack ?? error}`);
    throw error;
  }
});

dashboard.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.pipeline?.stop();
});

dashboard(
  'an order placed through the command API shows up and gets confirmed live, without a reload',
  async ({ pipeline, browser }) => {
    const page: Page = await browser.browser.newPage({ viewport: { width: 1500, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(pipeline.readApiUrl);
      // Signed out: the page asks for a token once and keeps it for the tab.
      await page.waitForSelector('#sign-in:not([hidden])', { timeout: 15_000 });
      await page.fill('#sign-in-token', await pipeline.tokens.token('operator', 'dashboard-test'));
      await page.click('#sign-in-submit');
      await page.waitForSelector('#live[data-state="live"]', { timeout: 15_000 });
      assert.ok(
        await page.evaluate(() =>
          (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage.getItem(
            'orders.operatorToken',
          ),
        ),
        'token kept in sessionStorage',
      );
      // Survives only as long as the document does: a reload or navigation would drop it.
      await page.evaluate(() => {
        (globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true;
      });

      const sku = uniqueName('mug');
      await post(pipeline, `${pipeline.commandApiUrl}/inventory`, {
        sku,
        name: 'Blue mug',
        unitPrice: 1250,
        initialStock: 10,
      });
      const placed = await post(pipeline, `${pipeline.commandApiUrl}/orders`, {
        customerId: 'c-dashboard',
        items: [{ sku, quantity: 2 }],
        payment: [{ method: 'card', amount: 2500, token: 'tok_ok' }],
      });
      const { orderId } = placed.body as { orderId: string };
      const row = `#orders-rows tr[data-order-id="${orderId}"]`;

      // PENDING first if the page is fast enough to see it; either way it must arrive without a reload.
      await page.waitForSelector(row, { timeout: 60_000 });
      await page.waitForSelector(`${row}[data-status="confirmed"]`, { timeout: 60_000 });
      assert.is((await page.locator(`${row} .badge`).innerText()).trim(), 'CONFIRMED');

      await page.click(row);
      await page.waitForSelector('#saga-detail:not([hidden])', { timeout: 15_000 });
      await page.waitForSelector('#saga-timeline li[data-status="succeeded"]', { timeout: 30_000 });
      assert.match(await page.locator('#saga-detail').innerText(), /reserve:/);

      const loadedOnce = await page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce);
      assert.is(loadedOnce, true, 'the page was never reloaded');
      assert.equal(pageErrors, [], 'no script errors on the page');

      mkdirSync(new URL('../test-output/', import.meta.url), { recursive: true });
      await page.screenshot({ path: screenshotPath, fullPage: true });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${pipeline.output()}`);
    } finally {
      await page.close();
    }
  },
);

dashboard(
  'the consistency token of a command answer makes the next query wait for that write',
  async ({ pipeline }) => {
    const sku = uniqueName('plate');
    await post(pipeline, `${pipeline.commandApiUrl}/inventory`, {
      sku,
      name: 'Plate',
      unitPrice: 900,
      initialStock: 5,
    });
    const restocked = await post(pipeline, `${pipeline.commandApiUrl}/inventory/${sku}/restock`, { quantity: 7 });
    const token = restocked.headers.get('x-consistency-token');
    assert.type(token, 'string');
    // Straight after the command: without the token this read could still see 5 units, or no SKU at all.
    const read = await fetch(`${pipeline.readApiUrl}/inventory/${sku}`, {
      headers: { 'X-Consistency-Token': token!, ...pipeline.operator },
    });
    assert.is(read.status, 200);
    assert.is(read.headers.get('x-consistency-stale'), null);
    const item = (await read.json()) as { onHand: number; available: number };
    assert.is(item.onHand, 12);
    assert.is(item.available, 12);
  },
);

dashboard.run();
