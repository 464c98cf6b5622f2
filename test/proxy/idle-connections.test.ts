// 5,000 idle connections against one gateway listener: every one is closed within its configured timeout while a
// normal client keeps getting 200s.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { MeshProxy } from '../../src/proxy/index.ts';
import {
  cluster,
  endpoints,
  httpListener,
  ms,
  prefixRoute,
  routeConfig,
  snapshot,
  vhost,
} from './envoy-fixtures.ts';
import { startNamedServer, type TestServer } from '../support/echo-apps.ts';
import { closeClientAgent, request } from './harness.ts';

const silentCount = Number(process.env.SILENT ?? 4_500);
const keepAliveCount = Number(process.env.KA ?? 500);
const timeoutMs = 2_000;
/**
 * Timers for thousands of sockets fire together, and this process runs the proxy and all its clients: on a loaded
 * machine (the suite runs files in parallel) seeing every close takes a while.
 */
const slackMs = 8_000;

/** This process holds both ends of every connection. */
function openFileLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3] ?? 0);
}

let upstream: TestServer;
before(async () => {
  upstream = await startNamedServer('app');
});
after(async () => {
  closeClientAgent();
  await upstream.close();
});

interface Idle {
  readonly socket: net.Socket;
  /**
   * Taken before the proxy can have started its timer (before connecting; before sending the request), so a close
   * seen less than the timeout after it is a close before the timeout.
   */
  idleSince: number;
  closedAfterMs: number;
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** One request on a fresh connection that then stays open, saying nothing. */
function keepAliveThenIdle(port: number): Promise<Idle> {
  return connect(port).then(
    (socket) =>
      new Promise((resolve) => {
        let text = '';
        const idleSince = performance.now();
        socket.on('data', (d: Buffer) => {
          text += d.toString('latin1');
          if (text.endsWith('\r\n0\r\n\r\n')) resolve({ socket, idleSince, closedAfterMs: -1 });
        });
        socket.write('GET / HTTP/1.1\r\nhost: gateway\r\n\r\n');
      }),
  );
}

test(
  `${silentCount + keepAliveCount} idle connections are all closed within their timeout; others keep being served`,
  { skip: openFileLimit() < 12_000 ? `needs ulimit -n >= 12000 (have ${openFileLimit()})` : false },
  async () => {
    const proxy = new MeshProxy({});
    await proxy.start();
    await proxy.applyConfig(
      snapshot({
        listeners: [
          httpListener('gateway', {
            listener: { listener_filters_timeout: ms(timeoutMs) },
            hcm: { common_http_protocol_options: { idle_timeout: ms(timeoutMs) } },
          }),
        ],
        routeConfigurations: [routeConfig('gateway', [vhost('all', ['*'], [prefixRoute('/', 'app')])])],
        clusters: [cluster('app')],
        clusterLoadAssignments: [endpoints('app', [upstream.port])],
      }),
    );
    const port = proxy.listenerPort('gateway') ?? 0;
    const idle: Idle[] = [];
    const watch = (entry: Idle): void => {
      entry.socket.on('error', () => {});
      entry.socket.once('close', () => (entry.closedAfterMs = performance.now() - entry.idleSince));
      idle.push(entry);
    };
    let served = 0;
    let stop = false;
    const normalClient = (async () => {
      while (!stop) {
        const res = await request(port, '/', { host: 'gateway' });
        assert.equal(res.status, 200);
        served++;
        // Paced like a real client, so that it does not take the event loop the proxy and the idle sockets share.
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      // In batches, within the listen backlog.
      for (let opened = 0; opened < silentCount;) {
        const batch = Math.min(250, silentCount - opened);
        const idleSince = performance.now();
        const sockets = await Promise.all(Array.from({ length: batch }, () => connect(port)));
        for (const socket of sockets) watch({ socket, idleSince, closedAfterMs: -1 });
        opened += batch;
      }
      for (let opened = 0; opened < keepAliveCount;) {
        const batch = Math.min(100, keepAliveCount - opened);
        const entries = await Promise.all(Array.from({ length: batch }, () => keepAliveThenIdle(port)));
        entries.forEach(watch);
        opened += batch;
      }
      const servedWhileOpen = served;
      const deadline = performance.now() + timeoutMs + slackMs + 10_000;
      while (idle.some((e) => e.closedAfterMs < 0)) {
        if (performance.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      stop = true;
      await normalClient;
      const open = idle.filter((e) => e.closedAfterMs < 0).length;
      assert.equal(open, 0, `${open} idle connections still open`);
      const latest = Math.max(...idle.map((e) => e.closedAfterMs));
      const earliest = Math.min(...idle.map((e) => e.closedAfterMs));
      assert.ok(latest < timeoutMs + slackMs, `the last idle connection closed after ${latest} ms`);
      assert.ok(earliest >= timeoutMs, `an idle connection closed after only ${earliest} ms`);
      assert.equal(
        proxy.stats.counter(`listener.127.0.0.1_${port}.downstream_pre_cx_timeout`).value,
        silentCount,
      );
      assert.equal(proxy.stats.counter('http.gateway.downstream_cx_idle_timeout').value, keepAliveCount);
      assert.ok(served > servedWhileOpen && served > 20, `the normal client got ${served} answers`);
      console.log(
        `idle connections: ${idle.length} closed ${earliest.toFixed(0)}-${latest.toFixed(0)} ms after going idle; ` +
          `normal client served ${served}`,
      );
    } finally {
      stop = true;
      for (const e of idle) e.socket.destroy();
      await normalClient.catch(() => {});
      await proxy.close();
    }
  },
);
