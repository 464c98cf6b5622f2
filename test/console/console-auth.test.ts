// The console against a control plane with an access file: the page loads unsigned, the API calls are signed
// in the browser with the key typed into the credentials form, and a read-only key's write shows AWS's
// AccessDenied message while an admin key's write goes through.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AppMeshClient,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
  DescribeRouteCommand,
} from '@aws-sdk/client-app-mesh';
import type { BrowserContext, Page } from 'playwright-core';
import { adminKey, readerKey, writeAccessFile, type TestKey } from '../auth/access-file-fixture.ts';
import {
  makeTempDir,
  removeDir,
  startControlPlaneProcess,
  type ControlPlaneProcess,
} from '../support/control-plane-launcher.ts';
import { chromiumSkipReason, launchChromium } from './browser.ts';

const skip = await chromiumSkipReason();
const meshName = 'signed';

let dir = '';
let cp: ControlPlaneProcess | undefined;
let sdk: AppMeshClient;
let browser: BrowserContext | undefined;
let page: Page;

async function createMesh(): Promise<void> {
  await sdk.send(new CreateMeshCommand({ meshName }));
  for (const name of ['one', 'two']) {
    await sdk.send(
      new CreateVirtualNodeCommand({
        meshName,
        virtualNodeName: name,
        spec: {
          listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
          serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
        },
      }),
    );
  }
  await sdk.send(
    new CreateVirtualRouterCommand({
      meshName,
      virtualRouterName: 'router',
      spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
    }),
  );
  await sdk.send(
    new CreateRouteCommand({
      meshName,
      virtualRouterName: 'router',
      routeName: 'split',
      spec: {
        httpRoute: {
          match: { prefix: '/' },
          action: {
            weightedTargets: [
              { virtualNode: 'one', weight: 50 },
              { virtualNode: 'two', weight: 50 },
            ],
          },
        },
      },
    }),
  );
  await sdk.send(
    new CreateVirtualServiceCommand({
      meshName,
      virtualServiceName: 'svc.signed.local',
      spec: { provider: { virtualRouter: { virtualRouterName: 'router' } } },
    }),
  );
}

async function signIn(key: TestKey): Promise<void> {
  await page.getByRole('button', { name: 'credentials' }).click();
  await page.locator('input[name="accessKeyId"]').fill(key.accessKeyId);
  await page.locator('input[name="secretAccessKey"]').fill(key.secretAccessKey);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'use' }).click()]);
}

before(async () => {
  if (skip) return;
  dir = await makeTempDir('console-auth');
  const accessFile = await writeAccessFile(dir, [adminKey, readerKey]);
  cp = await startControlPlaneProcess({ args: ['--access-file', accessFile], authenticated: true });
  sdk = new AppMeshClient({
    endpoint: cp.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: adminKey.accessKeyId, secretAccessKey: adminKey.secretAccessKey },
    maxAttempts: 1,
  });
  await createMesh();
  browser = await launchChromium(await makeTempDir('console-auth-chromium'));
  page = browser.pages()[0] ?? (await browser.newPage());
});

after(async () => {
  await browser?.close();
  sdk?.destroy();
  await cp?.stop();
  if (dir) await removeDir(dir);
});

test(
  'the console signs its calls with the key typed in; a read-only key cannot write',
  { skip, timeout: 120_000 },
  async () => {
    await page.goto(`${cp!.endpoint}/ui/#/meshes/${meshName}`);
    // Unsigned, the API refuses: the page says what to do.
    await page.getByText('this control plane requires a signed request').waitFor();
    await page.getByRole('alert').filter({ hasText: 'MissingAuthenticationTokenException' }).waitFor();

    await signIn(readerKey);
    await page.getByText(`signing as ${readerKey.accessKeyId}`).waitFor();
    await page.locator('[data-node="virtualNode:two"]').waitFor();
    const control = page.locator('section.split[data-route="router/split"]');
    await control.getByLabel('weight of one').fill('10');
    await control.getByLabel('weight of two').fill('90');
    await control.getByRole('button', { name: 'Apply split' }).click();
    const denied = control.getByRole('status');
    await denied.filter({ hasText: 'AccessDeniedException' }).waitFor();
    assert.match(
      (await denied.textContent()) ?? '',
      /User: arn:aws:iam::\d+:user\/reader is not authorized to perform: appmesh:UpdateRoute/,
    );

    await page.getByRole('button', { name: 'forget' }).click();
    await page.getByText('this control plane requires a signed request').waitFor();
    await signIn(adminKey);
    await page.locator('[data-node="virtualNode:two"]').waitFor();
    await control.getByLabel('weight of one').fill('10');
    await control.getByLabel('weight of two').fill('90');
    await control.getByRole('button', { name: 'Apply split' }).click();
    await control.getByRole('status').filter({ hasText: 'saved: version 2' }).waitFor();
    const route = await sdk.send(
      new DescribeRouteCommand({ meshName, virtualRouterName: 'router', routeName: 'split' }),
    );
    assert.deepEqual(
      route.route?.spec?.httpRoute?.action?.weightedTargets?.map((target) => target.weight),
      [10, 90],
    );
    // The secret never leaves the tab's sessionStorage for another store.
    const stored = await page.evaluate('({ local: localStorage.length, cookies: document.cookie })');
    assert.deepEqual(stored, { local: 0, cookies: '' });
  },
);
