// 1 GiB streamed up and 1 GiB streamed down through two sidecars, with the sidecars' peak memory bounded.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import { clientNode, servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import type { SidecarProcess } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const gib = 1024 * 1024 * 1024;
const chunk = Buffer.alloc(1024 * 1024, 'x');
const authority = 'bulk.e2e.local:8080';
const noTimeout = { perRequest: { unit: 's' as const, value: 0 } };

let h: MeshHarness;
let app: http.Server;
let sidecars: SidecarProcess[];

/** Sends `bytes` bytes one MiB at a time, honouring back-pressure. */
function source(bytes: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) return void this.push(null);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function bulkRequest(outboundPort: number, method: string, path: string): http.ClientRequest {
  return http.request({
    host: '127.0.0.1',
    port: outboundPort,
    method,
    path: `http://${authority}${path}`,
    headers: { host: authority },
  });
}

before(async () => {
  h = await startMesh();
  app = http.createServer((req, res) => {
    if (req.method === 'PUT') {
      let received = 0;
      req.on('data', (data: Buffer) => (received += data.length));
      req.on('end', () => res.end(String(received)));
    } else {
      res.writeHead(200, { 'content-length': String(gib) });
      void pipeline(source(gib), res).catch(() => undefined);
    }
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const appPort = (app.address() as AddressInfo).port;
  await h.api.createMesh('big');
  await h.api.createNode(
    'big',
    'bulk',
    servingNode('bulk', appPort, 'http', { listener: { timeout: { http: noTimeout } } }),
  );
  await h.api.createRouter('big', 'bulk', { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] });
  await h.api.createRoute('big', 'bulk', 'all', {
    httpRoute: {
      match: { prefix: '/' },
      action: { weightedTargets: [{ virtualNode: 'bulk', weight: 1 }] },
      timeout: noTimeout,
    },
  });
  await h.api.createService('big', 'bulk.e2e.local', {
    provider: { virtualRouter: { virtualRouterName: 'bulk' } },
  });
  await h.api.createNode('big', 'client', clientNode('bulk.e2e.local'));
  sidecars = await Promise.all([
    h.sidecar('mesh/big/virtualNode/bulk'),
    h.sidecar('mesh/big/virtualNode/client'),
  ]);
  await waitFor('the bulk service is reachable', async () => {
    const res = await new Promise<number>((resolve) => {
      const req = bulkRequest(sidecars[1]!.outboundPort, 'PUT', '/probe');
      req.on('response', (r) => (r.resume(), resolve(r.statusCode ?? 0)));
      req.on('error', () => resolve(0));
      req.end('probe');
    });
    return res === 200;
  });
});

after(async () => {
  app.closeAllConnections();
  app.close();
  await h.close();
});

test(
  '1 GiB up and 1 GiB down stream through two sidecars with bounded memory',
  { timeout: 240_000 },
  async () => {
    const outbound = sidecars[1]!.outboundPort;
    const before = await Promise.all(sidecars.map((s) => peakRssMiB(s.child.pid!)));

    const upload = bulkRequest(outbound, 'PUT', '/upload');
    const answered = new Promise<string>((resolve, reject) => {
      upload.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      });
      upload.on('error', reject);
    });
    await pipeline(source(gib), upload);
    assert.equal(await answered, String(gib));

    const download = bulkRequest(outbound, 'GET', '/download');
    const downloaded = await new Promise<number>((resolve, reject) => {
      download.on('response', (res) => {
        let received = 0;
        res.on('data', (d: Buffer) => (received += d.length));
        res.on('end', () => resolve(received));
        res.on('error', reject);
      });
      download.on('error', reject);
      download.end();
    });
    assert.equal(downloaded, gib);

    const afterward = await Promise.all(sidecars.map((s) => peakRssMiB(s.child.pid!)));
    for (const [i, peak] of afterward.entries()) {
      // Buffering a whole body would add 1024 MiB; streaming with back-pressure keeps the peak near the start.
      assert.ok(
        peak - before[i]! < 160,
        `sidecar ${sidecars[i]!.node} peak RSS grew from ${before[i]} MiB to ${peak} MiB`,
      );
    }
  },
);
