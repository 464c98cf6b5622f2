// Large bodies stream through the proxy both ways with back-pressure (bounded memory), and a TCP proxy listener.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { after, test } from 'node:test';
import { MeshProxy } from '../../src/proxy/index.ts';
import { cluster, endpoints, snapshot, tcpListener } from '../proxy/envoy-fixtures.ts';
import { startHttpServer, startTcpApp } from '../support/echo-apps.ts';
import { closeClientAgent, startSingleRouteProxy } from '../proxy/harness.ts';

after(() => closeClientAgent());

const mib = 1024 * 1024;
const totalBytes = 256 * mib;
const chunk = Buffer.alloc(64 * 1024, 7);

function source(bytes: number): Readable {
  let left = bytes;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

// A collector on demand, so samples measure live memory rather than garbage the GC has not reached yet.
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

interface Growth {
  /** Peak growth of live JS heap plus Buffer memory, sampled after forced collections. */
  live: number;
  /** Peak RSS growth (includes allocator slack that is not returned to the OS promptly). */
  rss: number;
}

function sampleMemory(): { stop(): Growth } {
  collect();
  const live = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = { live: live(), rss: process.memoryUsage().rss };
  const peak = { ...base };
  const timer = setInterval(() => {
    collect();
    peak.live = Math.max(peak.live, live());
    peak.rss = Math.max(peak.rss, process.memoryUsage().rss);
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return { live: peak.live - base.live, rss: peak.rss - base.rss };
    },
  };
}

test('256 MiB upload and download stream through with bounded RSS growth', { timeout: 120_000 }, async () => {
  const up = await startHttpServer((req, res) => {
    if (req.method === 'POST') {
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => res.end(String(n)));
    } else {
      req.resume();
      res.writeHead(200, { 'content-length': totalBytes });
      source(totalBytes).pipe(res);
    }
  });
  const h = await startSingleRouteProxy([up.port], { timeout: { seconds: 0, nanos: 0 } });
  const upload = (bytes: number): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: h.port, method: 'POST', path: '/up', headers: { host: 'svc' } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      source(bytes).pipe(req);
    });
  try {
    // Warm up first: the first megabytes grow the heap and socket buffers once, whatever the body size.
    assert.equal(Number(await upload(16 * mib)), 16 * mib);
    const memory = sampleMemory();
    const uploaded = await upload(totalBytes);
    assert.equal(Number(uploaded), totalBytes);
    const downloaded = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: h.port, path: '/down', headers: { host: 'svc' } }, (res) => {
          let n = 0;
          res.on('data', (c: Buffer) => (n += c.length));
          res.on('end', () => resolve(n));
        })
        .on('error', reject);
    });
    assert.equal(downloaded, totalBytes);
    const growth = memory.stop();
    const report = `live memory grew by ${(growth.live / mib).toFixed(1)} MiB, RSS by ${(growth.rss / mib).toFixed(1)} MiB, while moving 512 MiB`;
    // Buffering a body would grow memory by ~256 MiB; GC and allocator lag account for a few tens of MiB.
    assert.ok(growth.live < 96 * mib, report);
    assert.ok(growth.rss < 160 * mib, report);
  } finally {
    await h.close();
    await up.close();
  }
});

test('a TCP proxy listener pipes bytes to its cluster', async () => {
  const echo = await startTcpApp('echo');
  const echoPort = echo.port;
  const proxy = new MeshProxy();
  try {
    await proxy.applyConfig(
      snapshot({
        listeners: [tcpListener('tcp-in', 'echo')],
        clusters: [cluster('echo')],
        clusterLoadAssignments: [endpoints('echo', [echoPort])],
      }),
    );
    const reply = await new Promise<string>((resolve, reject) => {
      const s = net.connect(proxy.listenerPort('tcp-in') ?? 0, '127.0.0.1', () => s.end('ping over tcp'));
      let got = '';
      s.on('data', (c: Buffer) => (got += c.toString()));
      s.on('end', () => resolve(got));
      s.on('error', reject);
    });
    assert.equal(reply, 'ping over tcp');
    assert.equal(proxy.stats.counter('tcp.tcp-in.downstream_cx_total').value, 1);
  } finally {
    await proxy.close();
    await echo.close();
  }
});
