// No downstream connection lives forever and none takes more than its share: sniffing and idle timeouts, the
// per-listener connection cap, HTTP/2 stream limits and the rapid-reset guard, each on real sockets.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { MeshProxy } from '../../src/proxy/index.ts';
import { tcpListener } from './envoy-fixtures.ts';
import {
  endpoints,
  cluster,
  httpListener,
  ms,
  prefixRoute,
  routeConfig,
  snapshot,
  vhost,
} from './envoy-fixtures.ts';
import { startHttpServer, type TestServer } from '../support/echo-apps.ts';
import { closeClientAgent, request } from './harness.ts';

let upstream: TestServer;

before(async () => {
  upstream = await startHttpServer((req, res) => {
    req.resume();
    // A little work per request, as a real service has: a stream cancelled at once still made the proxy start it.
    const delayMs = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
    setTimeout(
      () => res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }).end('ok'),
      delayMs,
    );
  });
});

after(async () => {
  closeClientAgent();
  await upstream.close();
});

async function startProxy(opts: { hcm?: Record<string, unknown>; listener?: Record<string, unknown> }) {
  const proxy = new MeshProxy({});
  await proxy.start();
  await proxy.applyConfig(
    snapshot({
      listeners: [httpListener('in', opts)],
      routeConfigurations: [routeConfig('in', [vhost('svc', ['*'], [prefixRoute('/', 'svc')])])],
      clusters: [cluster('svc')],
      clusterLoadAssignments: [endpoints('svc', [upstream.port])],
    }),
  );
  const port = proxy.listenerPort('in') ?? 0;
  const stat = (name: string): number => proxy.stats.counter(name).value;
  return { proxy, port, stat, listenerStat: (name: string) => stat(`listener.127.0.0.1_${port}.${name}`) };
}

interface Closed {
  readonly received: string;
  readonly afterMs: number;
}

/** Connects, sends `bytes` (if any), and resolves with what came back once the proxy closes the connection. */
function sendAndWaitForClose(port: number, bytes: string | undefined, deadlineMs = 10_000): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after ${deadlineMs} ms; got ${JSON.stringify(received)}`));
    }, deadlineMs);
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ received, afterMs: performance.now() - started });
    });
    if (bytes !== undefined) socket.write(bytes);
  });
}

async function waitUntil(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('a connection that sends nothing, or only part of the HTTP/2 preface, closes at listener_filters_timeout', async () => {
  const h = await startProxy({ listener: { listener_filters_timeout: ms(300) } });
  try {
    const [silent, partialPreface] = await Promise.all([
      sendAndWaitForClose(h.port, undefined),
      sendAndWaitForClose(h.port, 'PRI * HTTP/2.0\r\n'),
    ]);
    for (const closed of [silent, partialPreface]) {
      assert.equal(closed.received, '', 'closed without an answer, as Envoy does');
      assert.ok(closed.afterMs >= 290 && closed.afterMs < 3_000, `closed after ${closed.afterMs} ms`);
    }
    assert.equal(h.listenerStat('downstream_pre_cx_timeout'), 2);
    const sniffing = h.proxy.stats.gauge(`listener.127.0.0.1_${h.port}.downstream_pre_cx_active`);
    await waitUntil('no connection left sniffing', () => sniffing.value === 0);
    // A request sent in time is served as before.
    assert.equal((await request(h.port, '/')).status, 200);
  } finally {
    await h.proxy.close();
  }
});

test('an idle keep-alive connection closes at the HCM idle_timeout and is counted', async () => {
  const h = await startProxy({ hcm: { common_http_protocol_options: { idle_timeout: ms(300) } } });
  try {
    const closed = await sendAndWaitForClose(h.port, 'GET / HTTP/1.1\r\nhost: svc\r\n\r\n');
    assert.match(closed.received, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok$/);
    assert.ok(closed.afterMs >= 290 && closed.afterMs < 3_000, `closed after ${closed.afterMs} ms`);
    assert.equal(h.stat('http.in.downstream_cx_idle_timeout'), 1);
  } finally {
    await h.proxy.close();
  }
});

test('beyond max_connections new connections are closed at once and counted; held ones keep being served', async () => {
  const h = await startProxy({
    listener: {
      metadata: { filter_metadata: { switchyard: { fields: { max_connections: { numberValue: 3 } } } } },
    },
  });
  const held: net.Socket[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const s = net.connect(h.port, '127.0.0.1');
      s.on('error', () => {});
      await new Promise((r) => s.once('connect', r));
      held.push(s);
    }
    await waitUntil('3 connections held', () => h.listenerStat('downstream_cx_total') === 3);
    const refused = await sendAndWaitForClose(h.port, 'GET / HTTP/1.1\r\nhost: svc\r\n\r\n', 3_000);
    assert.equal(refused.received, '');
    assert.equal(h.listenerStat('downstream_cx_overflow'), 1);
    // A held connection is still served.
    const answer = new Promise<string>((resolve) => {
      let text = '';
      held[0]!.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        if (text.endsWith('ok')) resolve(text);
      });
    });
    held[0]!.write('GET / HTTP/1.1\r\nhost: svc\r\n\r\n');
    assert.match(await answer, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(
      h.proxy.stats.renderPrometheus(),
      new RegExp(`envoy_listener_downstream_cx_overflow\\{envoy_listener_address="127.0.0.1_${h.port}"\\} 1`),
    );
    // Once one goes, a new one is accepted again.
    const gone = new Promise((r) => held[1]!.once('close', r));
    held[1]!.destroy();
    await gone;
    await waitUntil(
      'the proxy to see the close',
      () => h.proxy.stats.gauge(`listener.127.0.0.1_${h.port}.downstream_cx_active`).value === 2,
    );
    const accepted = await sendAndWaitForClose(
      h.port,
      'GET / HTTP/1.1\r\nhost: svc\r\nconnection: close\r\n\r\n',
    );
    assert.match(accepted.received, /^HTTP\/1\.1 200 OK\r\n/);
  } finally {
    for (const s of held) s.destroy();
    await h.proxy.close();
  }
});

function h2Connect(port: number): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.once('remoteSettings', () => resolve(session));
    session.once('error', reject);
  });
}

test('HTTP/2: max_concurrent_streams is 100 unless configured, and an idle session is closed at idle_timeout', async () => {
  const plain = await startProxy({});
  const tuned = await startProxy({
    hcm: {
      common_http_protocol_options: { idle_timeout: ms(300) },
      http2_protocol_options: { max_concurrent_streams: { value: 7 } },
    },
  });
  try {
    const a = await h2Connect(plain.port);
    assert.equal(a.remoteSettings.maxConcurrentStreams, 100);
    a.destroy();
    const started = performance.now();
    const b = await h2Connect(tuned.port);
    assert.equal(b.remoteSettings.maxConcurrentStreams, 7);
    const goaway = new Promise<number>((resolve) => b.once('goaway', (code: number) => resolve(code)));
    await new Promise((r) => b.once('close', r));
    const afterMs = performance.now() - started;
    assert.equal(await goaway, http2.constants.NGHTTP2_NO_ERROR);
    assert.ok(afterMs >= 290 && afterMs < 3_000, `closed after ${afterMs} ms`);
    assert.equal(tuned.stat('http.in.downstream_cx_idle_timeout'), 1);
  } finally {
    await plain.proxy.close();
    await tuned.proxy.close();
  }
});

test('HTTP/2 rapid reset: a client opening and cancelling streams in a loop gets GOAWAY; others keep being served', async () => {
  const h = await startProxy({});
  const attacker = await h2Connect(h.port);
  attacker.on('error', () => {});
  let opened = 0;
  let goawayCode = -1;
  attacker.once('goaway', (code: number) => (goawayCode = code));
  const attackEnded = new Promise<void>((resolve) => attacker.once('close', resolve));
  const maxStreams = 5_000;
  const attack = async (): Promise<void> => {
    while (!attacker.closed && !attacker.destroyed && opened < maxStreams) {
      for (let i = 0; i < 20 && !attacker.closed && !attacker.destroyed; i++) {
        const stream = attacker.request({ ':path': '/?delay=20', ':authority': 'svc' });
        stream.on('error', () => {});
        stream.close(http2.constants.NGHTTP2_CANCEL);
        opened++;
      }
      await new Promise((r) => setImmediate(r));
    }
  };
  // A well-behaved client on its own connection, timing every answer while the attack runs.
  let served = 0;
  let slowestMs = 0;
  let attackOver = false;
  const victim = (async () => {
    while (!attackOver || served < 20) {
      const started = performance.now();
      const res = await request(h.port, '/');
      assert.equal(res.status, 200);
      slowestMs = Math.max(slowestMs, performance.now() - started);
      served++;
    }
  })();
  try {
    await attack();
    await Promise.race([attackEnded, new Promise((r) => setTimeout(r, 5_000))]);
    attackOver = true;
    await victim;
    assert.ok(
      attacker.destroyed || attacker.closed,
      `the attacker kept its connection after ${opened} streams`,
    );
    assert.equal(goawayCode, http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
    assert.ok(opened < 1_000, `${opened} streams before the GOAWAY`);
    assert.equal(h.stat('http.in.downstream_rq_too_many_premature_resets'), 1);
    // Loose: the suite shares a small machine. Without the guard the other client waited 3.5 s on a quiet one.
    assert.ok(slowestMs < 5_000, `slowest answer to the other client: ${slowestMs} ms`);
    console.log(
      `rapid reset: GOAWAY after ${opened} streams; other client served ${served}, slowest ${slowestMs.toFixed(1)} ms`,
    );
  } finally {
    attackOver = true;
    attacker.destroy();
    await victim.catch(() => {});
    await h.proxy.close();
  }
});

async function startTcpProxy(upstreamPort: number, listener: Record<string, unknown> = {}) {
  const proxy = new MeshProxy({});
  await proxy.start();
  await proxy.applyConfig(
    snapshot({
      listeners: [tcpListener('tcp-in', 'sink', 0, listener)],
      clusters: [cluster('sink')],
      clusterLoadAssignments: [endpoints('sink', [upstreamPort])],
    }),
  );
  return { proxy, port: proxy.listenerPort('tcp-in') ?? 0 };
}

test('TCP: beyond max_connections new connections are closed at once and counted', async () => {
  const held: net.Socket[] = [];
  const server = net.createServer((s) => (held.push(s), s.on('error', () => {})));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const h = await startTcpProxy((server.address() as net.AddressInfo).port, {
    metadata: { filter_metadata: { switchyard: { fields: { max_connections: { numberValue: 1 } } } } },
  });
  const first = net.connect(h.port, '127.0.0.1');
  first.on('error', () => {});
  try {
    await new Promise((r) => first.once('connect', r));
    await waitUntil('the upstream connection', () => held.length === 1);
    const refused = await sendAndWaitForClose(h.port, 'hello', 3_000);
    assert.equal(refused.received, '');
    assert.equal(h.proxy.stats.counter(`listener.127.0.0.1_${h.port}.downstream_cx_overflow`).value, 1);
    assert.equal(held.length, 1, 'no upstream connection for the refused one');
  } finally {
    first.destroy();
    for (const s of held) s.destroy();
    await h.proxy.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

const mib = 1024 * 1024;

/** Writes until `socket` holds `bytes` unsent, or the deadline passes; resolves with what it holds then. */
async function fillUntilBlocked(socket: net.Socket, bytes: number, timeoutMs = 10_000): Promise<number> {
  const chunk = Buffer.alloc(256 * 1024, 'x');
  const deadline = performance.now() + timeoutMs;
  while (socket.writableLength < bytes && performance.now() < deadline) {
    if (!socket.write(chunk)) await new Promise((r) => setTimeout(r, 2));
  }
  return socket.writableLength;
}

test('TCP back-pressure both ways: a side that does not read stops the proxy reading the other', async () => {
  // Kernel buffers on loopback hold a few MiB per socket; beyond them a proxy without back-pressure would buffer.
  const blockedMiB = 48;
  let upstreamSide: net.Socket | undefined;
  const server = net.createServer((s) => {
    upstreamSide = s;
    s.on('error', () => {});
    s.pause();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const h = await startTcpProxy((server.address() as net.AddressInfo).port);
  const client = net.connect(h.port, '127.0.0.1');
  client.on('error', () => {});
  try {
    await new Promise((r) => client.once('connect', r));
    // Upstream: the server never reads, so what the client writes must stay with the client.
    const held = await fillUntilBlocked(client, blockedMiB * mib);
    assert.ok(
      held >= blockedMiB * mib,
      `the proxy took all but ${held} bytes from a client whose upstream never reads`,
    );
    // Downstream: the client never reads, so what the server writes must stay with the server.
    client.pause();
    await waitUntil('the upstream connection', () => upstreamSide !== undefined);
    const back = await fillUntilBlocked(upstreamSide!, blockedMiB * mib);
    assert.ok(
      back >= blockedMiB * mib,
      `the proxy took all but ${back} bytes from a server whose client never reads`,
    );
  } finally {
    client.destroy();
    upstreamSide?.destroy();
    await h.proxy.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

/** A raw upstream that answers a GET with an endless body and never reads anything else, behind a proxy. */
async function startRawUpstreamProxy() {
  const raw = { downloadSide: undefined as net.Socket | undefined };
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', (head: Buffer) => {
      if (head.toString('latin1').startsWith('GET')) {
        s.write('HTTP/1.1 200 OK\r\ncontent-length: 1073741824\r\n\r\n');
        raw.downloadSide = s;
      } else s.pause();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const proxy = new MeshProxy({});
  await proxy.start();
  await proxy.applyConfig(
    snapshot({
      listeners: [httpListener('in', {})],
      routeConfigurations: [routeConfig('in', [vhost('svc', ['*'], [prefixRoute('/', 'raw')])])],
      clusters: [cluster('raw')],
      clusterLoadAssignments: [endpoints('raw', [(server.address() as net.AddressInfo).port])],
    }),
  );
  return {
    raw,
    port: proxy.listenerPort('in') ?? 0,
    async close(): Promise<void> {
      raw.downloadSide?.destroy();
      await proxy.close();
      server.close();
    },
  };
}

test('HTTP/1.1 back-pressure both ways: a client or upstream that does not read stops the proxy reading the other', async () => {
  const blockedMiB = 48;
  const h = await startRawUpstreamProxy();
  const download = net.connect(h.port, '127.0.0.1');
  const upload = net.connect(h.port, '127.0.0.1');
  for (const s of [download, upload]) s.on('error', () => {});
  try {
    // Download: the client never reads, so the upstream's writes must back up at the upstream.
    download.pause();
    download.write('GET /down HTTP/1.1\r\nhost: svc\r\n\r\n');
    await waitUntil('the upstream download connection', () => h.raw.downloadSide !== undefined);
    const back = await fillUntilBlocked(h.raw.downloadSide!, blockedMiB * mib);
    assert.ok(back >= blockedMiB * mib, `the proxy took all but ${back} bytes the client never read`);
    // Upload: the upstream never reads, so the request body must back up at the client.
    upload.write('POST /up HTTP/1.1\r\nhost: svc\r\ncontent-length: 1073741824\r\n\r\n');
    const held = await fillUntilBlocked(upload, blockedMiB * mib);
    assert.ok(
      held >= blockedMiB * mib,
      `the proxy took all but ${held} bytes of a body its upstream never reads`,
    );
  } finally {
    download.destroy();
    upload.destroy();
    await h.close();
  }
});

test('HTTP/2 back-pressure both ways: a stream whose reader stalls stops the proxy reading its other side', async () => {
  const blockedMiB = 48;
  const h = await startRawUpstreamProxy();
  const session = await h2Connect(h.port);
  session.on('error', () => {});
  try {
    // Download: the client never reads the body, so the upstream's writes must back up at the upstream.
    const download = session.request({ ':path': '/down', ':authority': 'svc' });
    download.on('error', () => {});
    download.pause();
    await new Promise((r) => download.once('response', r));
    await waitUntil('the upstream download connection', () => h.raw.downloadSide !== undefined);
    const back = await fillUntilBlocked(h.raw.downloadSide!, blockedMiB * mib);
    assert.ok(back >= blockedMiB * mib, `the proxy took all but ${back} bytes the client never read`);
    // Upload: the upstream never reads, so the client's body must back up at the client (flow-control window).
    const upload = session.request({ ':path': '/up', ':method': 'POST', ':authority': 'svc' });
    upload.on('error', () => {});
    const chunk = Buffer.alloc(256 * 1024, 'u');
    const deadline = performance.now() + 10_000;
    let written = 0;
    while (upload.writableLength < blockedMiB * mib && performance.now() < deadline) {
      written += chunk.length;
      if (!upload.write(chunk)) await new Promise((r) => setTimeout(r, 2));
    }
    assert.ok(
      upload.writableLength >= blockedMiB * mib,
      `the proxy took ${written - upload.writableLength} bytes of a body its upstream never reads`,
    );
  } finally {
    session.destroy();
    await h.close();
  }
});

test('a bad connection limit is refused with its field, and the running listener keeps serving', async () => {
  const h = await startProxy({});
  try {
    await assert.rejects(
      h.proxy.applyConfig(
        snapshot({
          listeners: [
            httpListener('in', {
              hcm: { http2_protocol_options: { max_concurrent_streams: { value: 0 } } },
              listener: {
                metadata: {
                  filter_metadata: { switchyard: { fields: { max_connections: { numberValue: 0.5 } } } },
                },
              },
            }),
          ],
          routeConfigurations: [routeConfig('in', [vhost('svc', ['*'], [prefixRoute('/', 'svc')])])],
          clusters: [cluster('svc')],
          clusterLoadAssignments: [endpoints('svc', [upstream.port])],
        }),
      ),
      (error: Error) =>
        /http2_protocol_options\.max_concurrent_streams: must be between 1 and 2147483647/.test(
          error.message,
        ) &&
        /metadata\.filter_metadata\.switchyard\.max_connections: must be a positive integer/.test(
          error.message,
        ),
    );
    assert.equal((await request(h.port, '/')).status, 200);
  } finally {
    await h.proxy.close();
  }
});
