// A prefix rewrite holding characters above U+00FF (issue 14 review). The App Mesh API takes any string as a
// gateway route's rewrite value, and the upstream request head is written as latin1, which keeps the low byte
// of each code unit: U+010D U+010A went out as CR LF and U+0120 as a space, so the value
// `/first\u0120HTTP/1.1\u010d\u010aHost:...\u010d\u010a\u010d\u010aGET\u0120/smuggled...` split one forwarded request
// into two on the gateway's keep-alive connection to the sidecar, and the app served `/smuggled`. The API now
// refuses any rewrite value that is not visible ASCII (with the field path), and the proxy's head serializer
// still refuses such a target as it refuses a CR or LF (defence in depth for configuration from elsewhere).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePorts } from '../support/free-ports.ts';
import { servingNode } from '../support/mesh-api-client.ts';
import { waitFor } from '../support/wait-for.ts';
import { startGatewayHarness, type GatewayHarness } from '../gateway/support/gateway-harness.ts';
import { httpRequest as request } from '../support/http-client.ts';
import { rawExchange } from './raw-exchange.ts';

const mesh = 'inj';
const service = 'pub.inj.local';
const injected =
  `/first\u0120HTTP/1.1\u010d\u010aHost:\u0120${service}\u010d\u010a\u010d\u010a` +
  'GET\u0120/smuggled\u0120HTTP/1.1\u010d\u010aX-Rest:\u0120/';

let h: GatewayHarness;
let port: number;
let seen: string[];

function gatewayRoute(name: string, prefix: string, rewrite: string) {
  return {
    kind: 'gatewayRoute' as const,
    virtualGatewayName: 'edge',
    body: {
      gatewayRouteName: name,
      spec: {
        httpRoute: {
          match: { prefix },
          action: {
            target: { virtualService: { virtualServiceName: service } },
            rewrite: { prefix: { value: rewrite } },
          },
        },
      },
    },
  };
}

before(async () => {
  h = await startGatewayHarness();
  [port] = (await freePorts(1)) as [number];
  const app = await h.startApp('pub-v1');
  seen = app.seen;
  const api = h.mesh.api;
  await api.createMesh(mesh);
  await api.createNode(mesh, 'pub-v1', servingNode('pub-v1', app.port));
  await api.createService(mesh, service, { provider: { virtualNode: { virtualNodeName: 'pub-v1' } } });
  await api.createGateway(mesh, 'edge', { listeners: [{ portMapping: { port, protocol: 'http' } }] });
  await h.requests.send(mesh, [gatewayRoute('plain', '/plain/', '/app/')]);
  await h.sidecarFor(mesh, 'pub-v1', app);
  await h.gateway(mesh, 'edge');
  await waitFor('the app answering through the gateway', async () => {
    return (await request(port, '/plain/ready')).status === 200;
  });
});

after(async () => {
  await h?.close();
});

test('a rewrite that would turn into CR LF on the wire is refused by the API, naming the field', async () => {
  await assert.rejects(
    h.requests.send(mesh, [gatewayRoute('injected', '/inj/', injected)]),
    (error: Error) => {
      const text = `${error.message} ${String((error as { cause?: unknown }).cause)}`;
      assert.match(text, /spec\.httpRoute\.action\.rewrite\.prefix\.value must be visible ASCII/);
      return true;
    },
  );
  // Nothing was written: the gateway answers 404 there, and the other route still goes out whole.
  const answer = await rawExchange(
    port,
    `GET /inj/a HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
  );
  assert.equal(answer.status, 404, answer.text);
  assert.equal((await request(port, '/plain/x')).status, 200);
  assert.deepEqual(
    seen.filter((p) => p.startsWith('/first') || p.startsWith('/smuggled')),
    [],
  );
});
