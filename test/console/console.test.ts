// The web console in a real browser (Debian's chromium driven by playwright-core) against `switchyard demo`:
// the graph of the demo mesh with its nodes and live edge numbers, a weight moved with a slider and written
// through UpdateRoute, the split seen changing in the graph, the proxy list, a route's page and its history.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { BrowserContext, Page } from 'playwright-core';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { repoRoot, switchyardBin, waitForExit } from '../support/switchyard-process.ts';
import { waitFor } from '../support/wait-for.ts';
import { chromiumSkipReason, launchChromium } from './browser.ts';

const skip = await chromiumSkipReason();

let demo: ChildProcessWithoutNullStreams | undefined;
let demoStderr = '';
let consoleUrl = '';
let endpoint = '';
let dataDir = '';
let profileDir = '';
let screenshotDir = '';
let browser: BrowserContext | undefined;
let page: Page;
/** What the page reported as broken: uncaught errors and console errors such as a CSP refusal. */
const pageProblems: string[] = [];

/** Starts the demo; resolves with its introduction once it names the console. */
function startDemo(dir: string): Promise<string[]> {
  const child = spawn(switchyardBin, ['demo', '--data-dir', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  demo = child;
  child.stderr.on('data', (chunk: Buffer) => (demoStderr += chunk.toString()));
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`demo not ready: ${lines.join('\n')}\n${demoStderr}`)),
      150_000,
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      // The gateway line comes once the mesh answers end to end.
      if (/^gateway: http/.test(line)) {
        clearTimeout(timer);
        resolve(lines);
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`demo exited with ${code}: ${lines.join('\n')}\n${demoStderr}`)),
    );
  });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

const edge = (from: string, to: string) => page.locator(`[data-edge="${from}>${to}"]`);
const routerToColor = (color: string) => edge('virtualRouter:color-router', `virtualNode:color-${color}`);

async function rpsOf(color: string): Promise<number> {
  return Number(await routerToColor(color).getAttribute('data-rps'));
}

before(async () => {
  if (skip) return;
  await access(path.join(repoRoot, 'ui/dist/index.html')).catch(() => {
    throw new Error(
      'the console bundle is not built: run `npm run build:ui` (npm install / npm ci build it too)',
    );
  });
  dataDir = await makeTempDir('console-demo');
  profileDir = await makeTempDir('console-chromium');
  screenshotDir = await makeTempDir('console-screenshots');
  await mkdir(screenshotDir, { recursive: true });
  console.log(`console screenshots: ${screenshotDir}`);
  const lines = await startDemo(dataDir);
  consoleUrl = /^console: (http:\/\/\S+)$/m.exec(lines.join('\n'))?.[1] ?? '';
  assert.match(
    consoleUrl,
    /^http:\/\/127\.0\.0\.1:\d+\/ui$/,
    `the demo prints its console URL:\n${lines.join('\n')}`,
  );
  endpoint = consoleUrl.replace(/\/ui$/, '');
  browser = await launchChromium(profileDir);
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (error) => pageProblems.push(`uncaught: ${error.message}`));
  // A failed request is reported by the page itself (the metrics line); anything else is a defect.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      pageProblems.push(message.text());
  });
  await page.setViewportSize({ width: 1500, height: 1000 });
});

after(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    demo.kill('SIGINT');
    await waitForExit(demo);
  }
  if (profileDir) await removeDir(profileDir);
  if (dataDir) await removeDir(dataDir);
});

test(
  'the console shows the demo mesh as a graph and moves its split with a slider',
  { skip, timeout: 240_000 },
  async (t) => {
    await page.goto(`${consoleUrl}/#/meshes/color-app`);
    for (const node of [
      'virtualGateway:color-gateway',
      'virtualService:front.color-app.local',
      'virtualNode:front',
      'virtualService:color.color-app.local',
      'virtualRouter:color-router',
      'virtualNode:color-red',
      'virtualNode:color-green',
      'virtualNode:color-blue',
    ]) {
      await page.locator(`[data-node="${node}"]`).waitFor({ timeout: 30_000 });
    }
    for (const color of ['red', 'green', 'blue']) await routerToColor(color).waitFor({ state: 'attached' });
    await edge('virtualGateway:color-gateway', 'virtualService:front.color-app.local').waitFor({
      state: 'attached',
    });
    await edge('virtualNode:front', 'virtualService:color.color-app.local').waitFor({ state: 'attached' });
    assert.match((await routerToColor('red').textContent()) ?? '', /weight 34%/);

    await t.test('edges carry live requests/s, success rate and p99', async () => {
      await waitFor(
        'traffic on every color edge',
        async () => (await Promise.all(['red', 'green', 'blue'].map(rpsOf))).every((rps) => rps > 0),
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      const label = (await routerToColor('blue').textContent()) ?? '';
      assert.match(label, /\d+(\.\d)? rps · \d+(\.\d)?%p99 \d+(\.\d)? ms/, label);
      assert.ok(
        Number(
          await edge('virtualGateway:color-gateway', 'virtualService:front.color-app.local').getAttribute(
            'data-rps',
          ),
        ) > 0,
      );
    });
    await shot('1-graph-even-split');

    const control = page.locator('section.split[data-route="color-router/color-route"]');
    await control.getByLabel('weight of color-red').fill('0');
    await control.getByLabel('weight of color-green').fill('0');
    await control.getByLabel('weight of color-blue').fill('100');
    assert.equal(await control.locator('.split-share').last().textContent(), '100%');
    await shot('2-sliders-moved');
    await control.getByRole('button', { name: 'Apply split' }).click();
    await control.getByRole('status').filter({ hasText: 'saved: version 2' }).waitFor({ timeout: 15_000 });

    // Written through UpdateRoute: the API answers the new weights.
    const route = (await (
      await fetch(`${endpoint}/v20190125/meshes/color-app/virtualRouter/color-router/routes/color-route`)
    ).json()) as {
      spec: { httpRoute: { action: { weightedTargets: { virtualNode: string; weight: number }[] } } };
    };
    assert.deepEqual(
      route.spec.httpRoute.action.weightedTargets.map((target) => [target.virtualNode, target.weight]),
      [
        ['color-red', 0],
        ['color-green', 0],
        ['color-blue', 100],
      ],
    );
    await waitFor(
      'the graph showing the new configured split',
      async () => /weight 100%/.test((await routerToColor('blue').textContent()) ?? ''),
      { timeoutMs: 15_000, intervalMs: 250 },
    );

    await t.test('the measured split follows within seconds', async () => {
      const shiftedAt = Date.now();
      await waitFor(
        'the graph showing all traffic on blue',
        async () => (await rpsOf('red')) === 0 && (await rpsOf('green')) === 0 && (await rpsOf('blue')) > 0,
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      console.log(
        `the graph showed the shift ${((Date.now() - shiftedAt) / 1000).toFixed(1)} s after the write`,
      );
    });
    await shot('3-graph-all-blue');

    // The proxy list: every demo proxy connected and in sync.
    await page.goto(`${consoleUrl}/#/proxies`);
    for (const node of ['front', 'color-red', 'color-green', 'color-blue']) {
      await page
        .locator(`tr[data-node-id="mesh/color-app/virtualNode/${node}"][data-state="SYNCED"]`)
        .waitFor({ timeout: 30_000 });
    }
    await page
      .locator('tr[data-node-id="mesh/color-app/virtualGateway/color-gateway"]')
      .waitFor({ state: 'attached' });
    await shot('4-proxies');

    // The route's page: spec, version, its history and the proxies that run it (the front node sends to it).
    await page.goto(`${consoleUrl}/#/meshes/color-app/route/color-router/color-route`);
    await page.getByTestId('resource-version').filter({ hasText: '2' }).waitFor({ state: 'attached' });
    await page.locator('table.history tbody tr').nth(1).waitFor({ state: 'attached' });
    assert.equal(
      await page.locator('table.history tbody tr').count(),
      2,
      'created, then updated by the slider',
    );
    await page.locator('tr[data-node-id="mesh/color-app/virtualNode/front"]').waitFor({ state: 'attached' });
    assert.match((await page.locator('pre.spec').first().textContent()) ?? '', /"weight": 100/);
    await shot('5-route-page');
    assert.deepEqual(pageProblems, [], 'no script error and no content-security-policy refusal');
  },
);
