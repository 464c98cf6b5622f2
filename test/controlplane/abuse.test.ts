// The control plane under abuse (issue 14.5): each finding replayed as the exact bytes an attacker or a
// runaway client sends, against a real control plane, with the answer asserted.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startControlPlaneProcess } from '../support/control-plane-launcher.ts';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';

interface RawAnswer {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** Writes `bytes` as they are to 127.0.0.1:`port` and reads the answer until the server closes. */
function sendRaw(port: number, bytes: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        headers: head,
        body: split === -1 ? '' : text.slice(split + 4),
      });
    });
    socket.write(bytes);
  });
}

/** A PUT with a JSON body, as bytes, closing the connection after the answer. */
function put(path: string, body: string, host: string): string {
  return (
    `PUT ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

const get = (path: string, host: string): string =>
  `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

const instances = '/switchyard/v1/registry/namespaces/apps.local/services/colors/instances';

let cp: TestControlPlane;
let port: number;
let host: string;
before(async () => {
  cp = await startTestControlPlane(['instancesPerService=2']);
  port = cp.running.apiAddress.port;
  host = `127.0.0.1:${port}`;
  assert.equal(
    (await sendRaw(port, put('/switchyard/v1/registry/namespaces/apps.local', '', host))).status,
    201,
  );
  const service = put('/switchyard/v1/registry/namespaces/apps.local/services/colors', '', host);
  assert.equal((await sendRaw(port, service)).status, 201);
});
after(async () => cp.close());

describe('the API checks the Host header (DNS rebinding)', () => {
  test('a rebound name is refused with 403 ForbiddenException and nothing is created', async () => {
    const answer = await sendRaw(
      port,
      put('/v20190125/meshes', '{"meshName":"rebound"}', `attacker.example:${port}`),
    );
    assert.equal(answer.status, 403, answer.body);
    assert.match(answer.headers, /\r\nx-amzn-ErrorType: ForbiddenException:/i);
    assert.deepEqual(JSON.parse(answer.body), {
      message: `Host "attacker.example:${port}" is not allowed (DNS rebinding protection); use an IP address or localhost, or start the server with --allowed-host attacker.example`,
    });
    const listed = await sendRaw(port, get('/v20190125/meshes', host));
    assert.equal(listed.status, 200);
    assert.deepEqual(JSON.parse(listed.body), { meshes: [] });
  });

  test('the registry and the xDS client list on the same port are guarded too', async () => {
    const registry = await sendRaw(
      port,
      put(`${instances}/evil`, '{"address":"127.0.0.1","port":8080}', 'attacker.example'),
    );
    assert.equal(registry.status, 403, registry.body);
    assert.match(JSON.parse(registry.body).message as string, /not allowed \(DNS rebinding protection\)/);
    const clients = await sendRaw(port, get('/switchyard/v1/xds/clients', 'ATTACKER.example.:80'));
    assert.equal(clients.status, 403, clients.body);
  });

  test('the addresses clients really use are accepted: 127.0.0.1:PORT, localhost[:PORT], no port', async () => {
    for (const accepted of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'localhost',
      'LocalHost.',
      '127.0.0.1',
    ]) {
      const answer = await sendRaw(port, get('/v20190125/meshes', accepted));
      assert.equal(answer.status, 200, `${accepted}: ${answer.body}`);
    }
  });

  test('an IP literal the server is not bound to, and a malformed Host, are refused', async () => {
    const other = await sendRaw(port, get('/v20190125/meshes', `10.1.2.3:${port}`));
    assert.equal(other.status, 403, other.body);
    assert.equal(
      JSON.parse(other.body).message,
      `Host "10.1.2.3:${port}" is not an address this server listens on`,
    );
    const v6 = await sendRaw(port, get('/v20190125/meshes', `[::1]:${port}`));
    assert.equal(v6.status, 403, 'bound to 127.0.0.1, so [::1] cannot be how the client reached us');
    const bad = await sendRaw(port, get('/v20190125/meshes', 'a b'));
    assert.equal(bad.status, 403, bad.body);
  });
});

describe('the registry refuses addresses that are not unicast', () => {
  const refused: readonly [string, RegExp][] = [
    ['169.254.169.254', /link-local \(169\.254\.0\.0\/16, cloud metadata\)/],
    ['::ffff:169.254.169.254', /link-local \(169\.254\.0\.0\/16, cloud metadata\)/],
    ['fd00:ec2::254', /cloud metadata/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified \(::\)/],
    ['255.255.255.255', /broadcast/],
    ['224.0.0.1', /multicast \(224\.0\.0\.0\/4\)/],
    ['ff02::1', /multicast \(ff00::\/8\)/],
    ['fe80::1', /link-local \(fe80::\/10\)/],
    ['240.0.0.1', /reserved/],
  ];
  for (const [address, reason] of refused) {
    test(`${address} is a 400 naming the field, and nothing is registered`, async () => {
      const answer = await sendRaw(
        port,
        put(`${instances}/bad`, `{"address":"${address}","port":8080}`, host),
      );
      assert.equal(answer.status, 400, answer.body);
      const body = JSON.parse(answer.body) as { message: string; violations: { path: string }[] };
      assert.match(
        body.message,
        new RegExp(`^address must be a unicast address, got "${address.replace(/\./g, '\\.')}": `),
      );
      assert.match(body.message, reason);
      assert.deepEqual(
        body.violations.map((v) => v.path),
        ['address'],
      );
      assert.equal((await sendRaw(port, get(`${instances}/bad`, host))).status, 404);
    });
  }

  test('the second address of a dual-stack instance is checked as well', async () => {
    const answer = await sendRaw(
      port,
      put(
        `${instances}/bad`,
        '{"address":"127.0.0.1","port":80,"attributes":{"AWS_INSTANCE_IPV6":"fe80::1"}}',
        host,
      ),
    );
    assert.equal(answer.status, 400, answer.body);
    assert.equal(
      JSON.parse(answer.body).message,
      'attributes.AWS_INSTANCE_IPV6 must be a unicast address, got "fe80::1": link-local (fe80::/10)',
    );
  });

  test('loopback and private unicast addresses stay accepted', async () => {
    const v4 = await sendRaw(port, put(`${instances}/ok-1`, '{"address":"127.0.0.1","port":8080}', host));
    assert.equal(v4.status, 201, v4.body);
    const v6 = await sendRaw(port, put(`${instances}/ok-1`, '{"address":"::1","port":8080}', host));
    assert.equal(v6.status, 200, v6.body);
    assert.equal(
      (await sendRaw(port, `DELETE ${instances}/ok-1 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`))
        .status,
      200,
    );
  });
});

describe('the registry caps instances per service (--quota instancesPerService)', () => {
  test('the instance past the quota is a 409 naming the quota; re-registering an existing one still works', async () => {
    for (const id of ['q-1', 'q-2']) {
      const answer = await sendRaw(
        port,
        put(`${instances}/${id}`, '{"address":"127.0.0.1","port":8001}', host),
      );
      assert.equal(answer.status, 201, answer.body);
    }
    const over = await sendRaw(port, put(`${instances}/q-3`, '{"address":"127.0.0.1","port":8001}', host));
    assert.equal(over.status, 409, over.body);
    assert.deepEqual(JSON.parse(over.body), {
      message:
        'service colors in namespace apps.local already has 2 instances (quota instancesPerService = 2); deregister one or raise the quota with --quota instancesPerService=N',
    });
    const again = await sendRaw(port, put(`${instances}/q-2`, '{"address":"127.0.0.1","port":8002}', host));
    assert.equal(again.status, 200, again.body);
    const list = await sendRaw(port, get(instances, host));
    assert.deepEqual(
      (JSON.parse(list.body) as { instances: { instanceId: string }[] }).instances.map((i) => i.instanceId),
      ['q-1', 'q-2'],
    );
  });
});

test('--allowed-host lets a named setup in, and still refuses other names', async () => {
  const child = await startControlPlaneProcess({
    args: ['--allowed-host', 'mesh.internal,api.mesh.internal'],
  });
  try {
    const apiPort = Number(new URL(child.endpoint).port);
    const named = await sendRaw(apiPort, get('/v20190125/meshes', `api.mesh.internal:${apiPort}`));
    assert.equal(named.status, 200, named.body);
    const other = await sendRaw(apiPort, get('/v20190125/meshes', `attacker.example:${apiPort}`));
    assert.equal(other.status, 403, other.body);
  } finally {
    await child.stop();
  }
});
