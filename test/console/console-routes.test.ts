// The console's HTTP side on a real control plane: the page and its assets with their headers, no way out of
// the bundle folder, the 503 page without a bundle, no signature needed for the page but for everything else,
// and the read-only history route.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { pino } from 'pino';
import { registerConsoleRoutes } from '../../src/controlplane/console-routes.ts';
import { writeAccessFile, adminKey } from '../auth/access-file-fixture.ts';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { call, startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { repoRoot } from '../support/switchyard-process.ts';

/** A GET with the path sent byte for byte (fetch would normalise `..` and percent-encoding away). */
function rawGet(
  port: number,
  rawPath: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

const portOf = (endpoint: string) => Number(new URL(endpoint).port);

let dir: string;
let cp: TestControlPlane;

before(async () => {
  await access(path.join(repoRoot, 'ui/dist/index.html')).catch(() => {
    throw new Error(
      'the console bundle is not built: run `npm run build:ui` (npm install / npm ci build it too)',
    );
  });
  dir = await makeTempDir('console-routes');
  cp = await startTestControlPlane([], { accessFile: await writeAccessFile(dir, [adminKey]) });
});

after(async () => {
  await cp?.close();
  await removeDir(dir);
});

describe('the console at /ui', () => {
  test('serves the page unsigned with a strict policy, and its hashed assets for good', async () => {
    for (const at of ['/ui', '/ui/']) {
      const page = await fetch(`${cp.endpoint}${at}`);
      const html = await page.text();
      assert.equal(page.status, 200, at);
      assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(page.headers.get('cache-control'), 'no-cache');
      assert.match(page.headers.get('content-security-policy') ?? '', /^default-src 'self';/);
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
      assert.match(html, /<div id="app">/);
    }
    const html = await (await fetch(`${cp.endpoint}/ui`)).text();
    const script = /src="(\/ui\/assets\/console-[0-9a-f]{12}\.js)"/.exec(html)?.[1];
    const styles = /href="(\/ui\/assets\/console-[0-9a-f]{12}\.css)"/.exec(html)?.[1];
    assert.ok(script && styles, html);
    const js = await fetch(`${cp.endpoint}${script}`);
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(
      Buffer.from(await js.arrayBuffer()).length,
      (await readFile(path.join(repoRoot, 'ui/dist', script.slice(4)))).length,
    );
    const css = await fetch(`${cp.endpoint}${styles}`);
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    await css.arrayBuffer();
    const icon = /href="(\/ui\/assets\/favicon-[0-9a-f]{12}\.svg)"/.exec(html)?.[1];
    const svg = await fetch(`${cp.endpoint}${icon}`);
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
    await svg.arrayBuffer();
    const config = await fetch(`${cp.endpoint}/ui/console-config.json`);
    assert.deepEqual(await config.json(), { region: 'us-east-1', authentication: true });
  });

  test('everything else still needs a signature', async () => {
    for (const at of [
      '/v20190125/meshes',
      '/switchyard/v1/xds/clients',
      '/switchyard/v1/history/meshes/m',
      '/uix',
      '/ui%2fassets',
    ]) {
      const answer = await rawGet(portOf(cp.endpoint), at);
      assert.equal(answer.status, 403, `${at}: ${answer.body}`);
      assert.match(
        answer.headers['x-amzn-errortype']?.toString() ?? '',
        /^MissingAuthenticationTokenException/,
        at,
      );
    }
  });

  test('no path leaves the bundle folder', async () => {
    for (const at of [
      '/ui/assets/..%2F..%2F..%2Fpackage.json',
      '/ui/assets/%2e%2e%2f%2e%2e%2fbuild.ts',
      '/ui/assets/..%5C..%5Cbuild.ts',
      '/ui/assets/..',
      '/ui/assets/.hidden.js',
      '/ui/../package.json',
      '/ui/%2e%2e/v20190125/meshes',
      '/ui/assets/%00.js',
      '/ui/assets/index.html%00.js',
      '/ui/assets/',
      '/ui/nothing-here',
    ]) {
      const answer = await rawGet(portOf(cp.endpoint), at);
      assert.ok([400, 404].includes(answer.status), `${at}: ${answer.status} ${answer.body}`);
      assert.doesNotMatch(answer.body, /"name": "switchyard"|esbuild|"meshes":/, at);
    }
  });

  test('without a bundle it answers 503 saying how to build one', async () => {
    const empty = await makeTempDir('console-empty');
    const app = Fastify();
    registerConsoleRoutes(app, { bundleDir: empty, region: 'us-east-1', authentication: false });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const port = (app.server.address() as { port: number }).port;
      const page = await rawGet(port, '/ui');
      assert.equal(page.status, 503);
      assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
      assert.match(page.body, /npm run build:ui/);
      assert.equal((await rawGet(port, '/ui/assets/console-000000000000.js')).status, 404);
    } finally {
      await app.close();
      await removeDir(empty);
    }
  });
});

test('the control plane logs where its console is', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const logged = await startTestControlPlane([], { logger: pino({ level: 'info' }, sink) });
  try {
    const ready = lines.find((line) => line.msg === 'control plane ready');
    assert.equal(ready?.console, `${logged.endpoint}/ui`);
  } finally {
    await logged.close();
  }
});

describe('the history route', () => {
  let open: TestControlPlane;
  before(async () => {
    open = await startTestControlPlane();
  });
  after(async () => open?.close());

  test('lists the versions of one resource, newest first, and its deletion', async () => {
    const node = (port: number) => ({
      listeners: [{ portMapping: { port, protocol: 'http' } }],
      serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
    });
    assert.equal((await call(open.endpoint, 'PUT', '/v20190125/meshes', { meshName: 'h' })).status, 200);
    for (const name of ['a', 'b']) {
      const created = await call(open.endpoint, 'PUT', '/v20190125/meshes/h/virtualNodes', {
        virtualNodeName: name,
        spec: node(80),
      });
      assert.equal(created.status, 200, JSON.stringify(created.json));
    }
    for (const port of [81, 82]) {
      const updated = await call(open.endpoint, 'PUT', '/v20190125/meshes/h/virtualNodes/a', {
        spec: node(port),
      });
      assert.equal(updated.status, 200, JSON.stringify(updated.json));
    }
    const history = await call(open.endpoint, 'GET', '/switchyard/v1/history/meshes/h/virtualNodes/a');
    assert.equal(history.status, 200);
    const entries = history.json.entries as {
      op: string;
      version?: number;
      spec?: { listeners: { portMapping: { port: number } }[] };
    }[];
    assert.deepEqual(
      entries.map((entry) => [entry.op, entry.version, entry.spec?.listeners[0]?.portMapping.port]),
      [
        ['put', 3, 82],
        ['put', 2, 81],
        ['put', 1, 80],
      ],
    );
    assert.equal(history.json.complete, true);
    assert.equal((await call(open.endpoint, 'DELETE', '/v20190125/meshes/h/virtualNodes/a')).status, 200);
    const after = await call(open.endpoint, 'GET', '/switchyard/v1/history/meshes/h/virtualNodes/a');
    assert.deepEqual(
      (after.json.entries as { op: string }[]).map((entry) => entry.op),
      ['delete', 'put', 'put', 'put'],
    );
  });

  test('refuses a path that names no single resource', async () => {
    for (const at of ['/switchyard/v1/history/meshes/h/virtualNodes', '/switchyard/v1/history/nothing']) {
      const answer = await call(open.endpoint, 'GET', at);
      assert.ok([400, 404].includes(answer.status), `${at}: ${answer.status}`);
      assert.equal(typeof answer.json.message, 'string');
    }
  });
});
