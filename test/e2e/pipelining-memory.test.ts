// A client that pipelines requests for 20 s and never reads the answers must not grow the sidecar's memory.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { servingNode } from '../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../support/mesh-harness.ts';
import type { SidecarProcess } from '../support/sidecar-launcher.ts';
import { waitFor } from '../support/wait-for.ts';

const floodMs = 20_000;
const maxGrowthMiB = 20;
const answer = Buffer.alloc(1024, 'a');
const pipelined = Buffer.from('GET /x HTTP/1.1\r\nhost: app\r\n\r\n'.repeat(100));

let h: MeshHarness;
let app: http.Server;
let sidecar: SidecarProcess;

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function get(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
  });
}

before(async () => {
  h = await startMesh();
  app = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': answer.length });
    res.end(answer);
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const appPort = (app.address() as AddressInfo).port;
  await h.api.createMesh('flood');
  await h.api.createNode('flood', 'app', servingNode('app', appPort));
  sidecar = await h.sidecar('mesh/flood/virtualNode/app');
  await waitFor(
    'the app is reachable through the sidecar',
    async () => (await get(sidecar.inboundPort)) === 200,
  );
});

after(async () => {
  app.closeAllConnections();
  app.close();
  await h.close();
});

test(
  `pipelining for ${floodMs / 1000} s without reading grows the sidecar's RSS by less than ${maxGrowthMiB} MiB`,
  { timeout: 120_000 },
  async () => {
    const pid = sidecar.child.pid!;
    // Warm up the path (code, pools) so the baseline is the sidecar at work, not at rest.
    for (let i = 0; i < 200; i++) assert.equal(await get(sidecar.inboundPort), 200);
    const baseline = await rssMiB(pid);
    const socket = net.connect(sidecar.inboundPort, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((r) => socket.once('connect', r));
    // Never read: the proxy's answers can only pile up in the kernel's buffers and, without back-pressure, its own.
    socket.pause();
    let peak = baseline;
    let sentRequests = 0;
    const ends = performance.now() + floodMs;
    let nextSample = 0;
    while (performance.now() < ends) {
      // Our own writes honour back-pressure, so the client's memory stays bounded too.
      if (socket.writableLength < 1024 * 1024) {
        socket.write(pipelined);
        sentRequests += 100;
      }
      if (performance.now() >= nextSample) {
        peak = Math.max(peak, await rssMiB(pid));
        nextSample = performance.now() + 250;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    peak = Math.max(peak, await rssMiB(pid));
    const blocked = socket.writableLength;
    socket.destroy();
    const growth = peak - baseline;
    console.log(
      `pipelining flood: ${sentRequests} requests written, ${blocked} bytes left unsent; ` +
        `sidecar RSS ${baseline.toFixed(1)} → peak ${peak.toFixed(1)} MiB (+${growth.toFixed(1)})`,
    );
    assert.ok(growth < maxGrowthMiB, `the sidecar's RSS grew by ${growth.toFixed(1)} MiB`);
    // The sidecar still serves others.
    assert.equal(await get(sidecar.inboundPort), 200);
  },
);
