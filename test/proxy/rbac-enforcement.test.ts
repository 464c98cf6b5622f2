// The RBAC filter enforced by a real proxy: listener mTLS with certificates from the test CA, callers with different
// SPIFFE IDs through curl, openssl s_client and node (HTTP/1.1 and HTTP/2); decisions, 403 answers, stats, access
// log details, and a new RBAC configuration taking over whole.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MeshProxy } from '../../src/proxy/index.ts';
import type { EnvoySnapshot } from '../../src/proxy/index.ts';
import { extensionTypeUrls, packAny } from '../../src/xds/protos/index.ts';
import { startHttpServer } from '../support/echo-apps.ts';
import type { TestServer } from '../support/echo-apps.ts';
import { freePort } from '../support/free-ports.ts';
import { httpRequest } from '../support/http-client.ts';
import { createTestPki, haveOpenssl } from '../support/test-pki.ts';
import type { IssuedCertificate, TestPki } from '../support/test-pki.ts';
import { curl, haveCommand, opensslClient } from '../support/tls-clients.ts';
import { waitFor } from '../support/wait-for.ts';
import { cluster, endpoints, prefixRoute, routeConfig, snapshot, vhost } from './envoy-fixtures.ts';
import {
  exactPrincipal,
  hcmWithFilters,
  headerExact,
  pathPrefix,
  plainListener,
  rbacFilter,
  rbacRules,
  routerFilter,
} from './rbac-fixtures.ts';
import { tlsListener } from './tls-listener-fixtures.ts';

type Obj = Record<string, unknown>;

const meshPrefix = 'spiffe://test.local/mesh/m/';
const serverId = `${meshPrefix}virtualNode/color`;
const frontId = `${meshPrefix}virtualNode/front`;
const otherId = `${meshPrefix}virtualNode/other`;
const logFormat =
  '%REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %DOWNSTREAM_PEER_URI_SAN%\n';

const haveTools = (await haveOpenssl()) && (await haveCommand('curl'));

/** The design's shape: `:authority` AND a path prefix AND a method, for one exact SPIFFE ID. */
function callerPolicy(id: string): Obj {
  return {
    permissions: [
      {
        and_rules: {
          rules: [
            {
              or_rules: {
                rules: [
                  headerExact(':authority', 'svc.local'),
                  { header: { name: ':authority', prefix_match: 'svc.local:' } },
                ],
              },
            },
            pathPrefix('/api'),
            { or_rules: { rules: [headerExact(':method', 'GET'), headerExact(':method', 'POST')] } },
          ],
        },
      },
    ],
    principals: [exactPrincipal(id)],
  };
}

describe('RBAC enforcement', { skip: haveTools ? false : 'openssl or curl is not installed' }, () => {
  let pki: TestPki;
  let serverCert: IssuedCertificate;
  let front: IssuedCertificate;
  let other: IssuedCertificate;
  let app: TestServer;
  const appSaw: string[] = [];
  let proxy: MeshProxy;
  let plainPort: number;
  let logPath: string;
  const port = (name: string): number => proxy.listenerPort(name) ?? 0;
  const counter = (name: string): number => proxy.stats.counter(name).value;

  const config = (allowedCaller: string): EnvoySnapshot => {
    const cert = { certPath: serverCert.certPath, keyPath: serverCert.keyPath };
    const mtls = { trustCaPath: pki.ca.certPath, sans: [{ kind: 'prefix' as const, value: meshPrefix }] };
    const accessLog = [
      {
        name: 'envoy.access_loggers.file',
        typed_config: packAny(extensionTypeUrls.fileAccessLog, {
          path: logPath,
          log_format: { text_format_source: { inline_string: logFormat } },
        }),
      },
    ];
    return snapshot({
      listeners: [
        tlsListener('mtls', {
          mode: 'STRICT',
          ...cert,
          ...mtls,
          alpn: ['h2', 'http/1.1'],
          filter: hcmWithFilters(
            'mtls',
            'rc',
            [rbacFilter(rbacRules('ALLOW', { 'caller-policy': callerPolicy(allowedCaller) })), routerFilter],
            { access_log: accessLog },
          ),
        }),
        tlsListener('deny', {
          mode: 'STRICT',
          ...cert,
          ...mtls,
          alpn: ['h2', 'http/1.1'],
          filter: hcmWithFilters(
            'deny',
            'rc',
            [
              rbacFilter({
                ...rbacRules('DENY', {
                  'block other': { permissions: [{ any: true }], principals: [exactPrincipal(otherId)] },
                }),
                rules_stat_prefix: 'inbound_',
              }),
              routerFilter,
            ],
            { access_log: accessLog },
          ),
        }),
        // TLS without client certificates, and plaintext beside it: nobody here has a peer identity.
        tlsListener('open', {
          mode: 'PERMISSIVE',
          ...cert,
          filter: hcmWithFilters('open', 'rc', [
            rbacFilter(
              rbacRules('ALLOW', {
                mesh: {
                  permissions: [{ any: true }],
                  principals: [{ authenticated: { principal_name: { prefix: 'spiffe://' } } }],
                },
              }),
            ),
            routerFilter,
          ]),
        }),
        plainListener(
          'plain',
          plainPort,
          hcmWithFilters('plain', 'rc', [
            rbacFilter(
              rbacRules('ALLOW', {
                health: {
                  permissions: [
                    {
                      and_rules: {
                        rules: [
                          { destination_port: plainPort },
                          { url_path: { path: { exact: '/health' } } },
                        ],
                      },
                    },
                  ],
                  principals: [{ any: true }],
                },
                'forwarded-from-10.1': {
                  permissions: [{ any: true }],
                  principals: [{ remote_ip: { address_prefix: '10.1.0.0', prefix_len: { value: 16 } } }],
                },
                'loopback-admin': {
                  permissions: [{ header: { name: 'x-admin', present_match: true } }],
                  principals: [
                    {
                      and_ids: {
                        ids: [
                          { direct_remote_ip: { address_prefix: '127.0.0.0', prefix_len: { value: 8 } } },
                          { not_id: { header: { name: 'x-forwarded-for', present_match: true } } },
                        ],
                      },
                    },
                  ],
                },
              }),
            ),
            routerFilter,
          ]),
        ),
      ],
      routeConfigurations: [routeConfig('rc', [vhost('all', ['*'], [prefixRoute('/', 'app')])])],
      clusters: [cluster('app')],
      clusterLoadAssignments: [endpoints('app', [app.port])],
    });
  };

  before(async () => {
    pki = await createTestPki();
    serverCert = await pki.issue('color', { dnsNames: ['svc.local'], uris: [serverId] });
    front = await pki.issue('front', { uris: [frontId] });
    other = await pki.issue('other', { uris: [otherId] });
    logPath = join(pki.dir, 'access.log');
    app = await startHttpServer((req, res) => {
      req.resume();
      appSaw.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('app answered');
    });
    plainPort = await freePort();
    proxy = new MeshProxy();
    await proxy.start();
    await proxy.applyConfig(config(frontId));
  });

  after(async () => {
    await proxy?.close(0);
    await app?.close();
    await pki?.cleanup();
  });

  /** curl to svc.local on `listener`; prints the body, then the status and HTTP version on the last line. */
  const curlAs = async (
    listener: string,
    who: IssuedCertificate | undefined,
    path: string,
    extra: string[] = [],
  ): Promise<{ status: number; version: string; body: string }> => {
    const r = await curl([
      '--cacert',
      pki.ca.certPath,
      ...(who === undefined ? [] : ['--cert', who.certPath, '--key', who.keyPath]),
      '--resolve',
      `svc.local:${port(listener)}:127.0.0.1`,
      '-w',
      '\n%{http_code} %{http_version}',
      ...extra,
      `https://svc.local:${port(listener)}${path}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const [status, version] = lines.pop()!.split(' ');
    return { status: Number(status), version: version!, body: lines.join('\n') };
  };

  /** node:https with `who`'s certificate, over a fresh connection. */
  const nodeAs = (listener: string, who: IssuedCertificate, method: string, path: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: port(listener),
          servername: 'svc.local',
          headers: { host: 'svc.local' },
          method,
          path,
          ca: pki.ca.certPem,
          cert: who.certPem,
          key: who.keyPem,
          agent: false,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });

  const logLines = (n: number): Promise<string[]> =>
    waitFor(`${n} access log lines`, async () => {
      const lines = (await readFile(logPath, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
      return lines.length >= n ? lines : undefined;
    });

  test('the allowed caller gets through over HTTP/1.1 and HTTP/2; another caller gets 403 and never reaches the app', async () => {
    const allowed = counter('http.mtls.rbac.allowed');
    const denied = counter('http.mtls.rbac.denied');
    const h1 = await curlAs('mtls', front, '/api/colors', ['--http1.1']);
    assert.deepEqual([h1.status, h1.version, h1.body], [200, '1.1', 'app answered']);
    const h2 = await curlAs('mtls', front, '/api/colors', ['--http2']);
    assert.deepEqual([h2.status, h2.version], [200, '2']);
    const refused = await curlAs('mtls', other, '/api/secret', ['--http2']);
    assert.deepEqual([refused.status, refused.version, refused.body], [403, '2', 'RBAC: access denied']);
    const refused1 = await curlAs('mtls', other, '/api/secret', ['--http1.1']);
    assert.deepEqual([refused1.status, refused1.body], [403, 'RBAC: access denied']);
    assert.equal(appSaw.includes('GET /api/secret'), false);
    assert.equal(counter('http.mtls.rbac.allowed'), allowed + 2);
    assert.equal(counter('http.mtls.rbac.denied'), denied + 2);
    const lines = await logLines(4);
    assert.ok(lines.includes(`/api/colors 200 - - ${frontId}`), lines.join('\n'));
    assert.ok(
      lines.includes(`/api/secret 403 RBAC rbac_access_denied_matched_policy[none] ${otherId}`),
      lines.join('\n'),
    );
  });

  test('openssl s_client: the other identity is refused with 403 over a raw HTTP/1.1 exchange', async () => {
    const r = await opensslClient(
      port('mtls'),
      ['-CAfile', pki.ca.certPath, '-cert', other.certPath, '-key', other.keyPath, '-alpn', 'http/1.1'],
      'GET /api/raw HTTP/1.1\r\nHost: svc.local\r\nConnection: close\r\n\r\n',
    );
    assert.match(r.stdout, /HTTP\/1\.1 403 Forbidden/);
    assert.match(r.stdout, /RBAC: access denied/);
    const ok = await opensslClient(
      port('mtls'),
      ['-CAfile', pki.ca.certPath, '-cert', front.certPath, '-key', front.keyPath, '-alpn', 'http/1.1'],
      'GET /api/raw HTTP/1.1\r\nHost: svc.local:443\r\nConnection: close\r\n\r\n',
    );
    assert.match(ok.stdout, /HTTP\/1\.1 200 OK/);
  });

  test('path, method and authority narrow what the allowed caller may do', async () => {
    assert.equal(await nodeAs('mtls', front, 'POST', '/api/paint'), 200);
    assert.equal(await nodeAs('mtls', front, 'DELETE', '/api/paint'), 403);
    assert.equal(await nodeAs('mtls', front, 'GET', '/admin'), 403);
    // url_path ignores the query string: a prefix cannot be smuggled in after `?`.
    assert.equal(await nodeAs('mtls', front, 'GET', '/x?/api'), 403);
    assert.equal(await nodeAs('mtls', front, 'GET', '/api?x=1'), 200);
    const wrongHost = await curl([
      '--cacert',
      pki.ca.certPath,
      '--cert',
      front.certPath,
      '--key',
      front.keyPath,
      '--resolve',
      `svc.local:${port('mtls')}:127.0.0.1`,
      '-H',
      'host: elsewhere.local',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `https://svc.local:${port('mtls')}/api/x`,
    ]);
    assert.equal(wrongHost.stdout, '403');
  });

  test('a gRPC caller that is denied gets PERMISSION_DENIED in a trailers-only answer', async () => {
    const r = await curl([
      '--cacert',
      pki.ca.certPath,
      '--cert',
      other.certPath,
      '--key',
      other.keyPath,
      '--resolve',
      `svc.local:${port('mtls')}:127.0.0.1`,
      '--http2',
      '-i',
      '-H',
      'content-type: application/grpc',
      '-X',
      'POST',
      `https://svc.local:${port('mtls')}/api.Svc/Call`,
    ]);
    assert.match(r.stdout, /^HTTP\/2 200/);
    assert.match(r.stdout, /^grpc-status: 7\r?$/m);
    assert.match(r.stdout, /^grpc-message: RBAC%3A%20access%20denied\r?$/m);
  });

  test('DENY action: the listed identity is refused naming the policy, everyone else passes', async () => {
    const denied = counter('http.deny.rbac.inbound_denied');
    assert.equal((await curlAs('deny', other, '/anything')).status, 403);
    assert.equal((await curlAs('deny', front, '/anything')).status, 200);
    assert.equal(counter('http.deny.rbac.inbound_denied'), denied + 1);
    assert.equal(counter('http.deny.rbac.inbound_allowed'), 1);
    const lines = await waitFor('the DENY line', async () => {
      const text = await readFile(logPath, 'utf8').catch(() => '');
      return text.includes('/anything 403') ? text : undefined;
    });
    // Spaces in a policy name become underscores, as Envoy writes them.
    assert.match(
      lines,
      new RegExp(`^/anything 403 RBAC rbac_access_denied_matched_policy\\[block_other\\] ${otherId}$`, 'm'),
    );
  });

  test('no client certificate (TLS without one, or plaintext) does not satisfy a principal rule', async () => {
    const tlsNoCert = await curlAs('open', undefined, '/');
    assert.deepEqual([tlsNoCert.status, tlsNoCert.body], [403, 'RBAC: access denied']);
    const plain = await httpRequest(port('open'), '/', { host: 'svc.local' });
    assert.deepEqual([plain.status, plain.body], [403, 'RBAC: access denied']);
    assert.equal(counter('http.open.rbac.denied'), 2);
    assert.equal(counter('http.open.rbac.allowed'), 0);
  });

  test('destination_port, remote_ip (x-forwarded-for, as Envoy trusts it by default) and direct_remote_ip', async () => {
    assert.equal((await httpRequest(plainPort, '/health')).status, 200);
    assert.equal((await httpRequest(plainPort, '/health?deep=1')).status, 200);
    assert.equal((await httpRequest(plainPort, '/other')).status, 403);
    const forwarded = (xff: string): Promise<number> =>
      httpRequest(plainPort, '/other', { headers: { 'x-forwarded-for': xff } }).then((a) => a.status);
    assert.equal(await forwarded('10.1.2.3'), 200);
    assert.equal(await forwarded('10.1.2.3, 192.0.2.1'), 403);
    assert.equal(await forwarded('not-an-ip'), 403);
    const admin = (headers: Record<string, string>): Promise<number> =>
      httpRequest(plainPort, '/other', { headers }).then((a) => a.status);
    assert.equal(await admin({ 'x-admin': '1' }), 200);
    assert.equal(await admin({ 'x-admin': '1', 'x-forwarded-for': '192.0.2.1' }), 403);
  });

  test('a new RBAC configuration applies whole: the other caller is let in and the first one is not', async () => {
    const allowed = counter('http.mtls.rbac.allowed');
    await proxy.applyConfig(config(otherId));
    assert.equal((await curlAs('mtls', other, '/api/now')).status, 200);
    assert.equal((await curlAs('mtls', front, '/api/now')).status, 403);
    assert.equal(counter('http.mtls.rbac.allowed'), allowed + 1);
    await proxy.applyConfig(config(frontId));
    assert.equal((await curlAs('mtls', front, '/api/again')).status, 200);
    assert.equal((await curlAs('mtls', other, '/api/again')).status, 403);
  });
});
