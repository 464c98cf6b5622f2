// A registry only owners can change (issue 16.3): with --access-file, the traffic-theft scenario (a fake
// instance plus a health update on someone else's service) is refused from an unauthenticated client and from
// another node's token, the gateway's traffic stays where it was, and a sidecar with its own token registers,
// updates and deregisters its own instance.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { mintProxyToken } from '../../src/api/auth/proxy-token.ts';
import { startSidecar, type Sidecar, type SidecarSettings } from '../../src/proxy/sidecar/index.ts';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { freePorts } from '../support/free-ports.ts';
import { httpRequest } from '../support/http-client.ts';
import { MeshApiClient, servingNode } from '../support/mesh-api-client.ts';
import { waitFor } from '../support/wait-for.ts';
import { meshOnlyKey } from './tokens-fixture.ts';
import {
  issueToken,
  operatorKey,
  proxyCall,
  startAuthenticatedControlPlane,
  type AuthenticatedControlPlane,
  type RawAnswer,
} from './tokens-fixture.ts';

const mesh = 'own';
const registry = '/switchyard/v1/registry';
const blueService = `${registry}/namespaces/e2e.local/services/blue`;
const logger = pino({ level: 'silent' });

let plane: AuthenticatedControlPlane;
let api: MeshApiClient;
let blueApp: HttpApp;
let evilApp: HttpApp;
let gatewayPort: number;
const tokens: Record<'blue' | 'green' | 'canary' | 'gateway', string> = {
  blue: '',
  green: '',
  canary: '',
  gateway: '',
};
const sidecars: Sidecar[] = [];

interface InstanceView {
  readonly instanceId: string;
  readonly port: number;
  readonly health: string;
  readonly attributes: Record<string, string>;
}

async function blueInstances(): Promise<InstanceView[]> {
  const answer = await plane.operator.request('GET', `${blueService}/instances`);
  return (answer['instances'] as InstanceView[]).map(({ instanceId, port, health, attributes }) => ({
    instanceId,
    port,
    health,
    attributes,
  }));
}

async function settingsFor(
  kind: 'virtualNode' | 'virtualGateway',
  name: string,
  accessToken: string,
): Promise<SidecarSettings> {
  const [inboundPort, outboundPort] = (await freePorts(2)) as [number, number];
  return {
    node: { meshName: mesh, kind, name },
    nodeId: `mesh/${mesh}/${kind}/${name}`,
    xds: `127.0.0.1:${plane.cp.running.xdsAddress.port}`,
    admin: { host: '127.0.0.1', port: 0 },
    inboundPort,
    outboundPort,
    appHost: '127.0.0.1',
    apiUrl: plane.cp.endpoint,
    registerAddress: '127.0.0.1',
    listenHost: '127.0.0.1',
    accessLogFormat: 'text',
    drainMs: 200,
    backendPorts: new Map(),
    httpBackends: new Map(),
    version: 'test',
    accessToken,
  };
}

function refusedAs(answer: RawAnswer, errorType: string, what: string): void {
  assert.equal(answer.status, errorType === 'IncompleteSignatureException' ? 400 : 403, what);
  assert.equal(answer.errorType, errorType, what);
}

before(async () => {
  plane = await startAuthenticatedControlPlane();
  api = new MeshApiClient(plane.cp.endpoint, operatorKey);
  blueApp = await startHttpApp('blue');
  evilApp = await startHttpApp('evil');
  [gatewayPort] = (await freePorts(1)) as [number];
  await api.createMesh(mesh);
  await api.createNode(mesh, 'blue', servingNode('blue', blueApp.port));
  await api.createNode(mesh, 'green', servingNode('green', evilApp.port));
  // Shares blue's Cloud Map service (as a canary would): the one node that could collide with blue's ids.
  await api.createNode(mesh, 'canary', {
    listeners: [{ portMapping: { port: blueApp.port, protocol: 'http' } }],
    serviceDiscovery: {
      awsCloudMap: {
        namespaceName: 'e2e.local',
        serviceName: 'blue',
        attributes: [{ key: 'version', value: 'canary' }],
      },
    },
  });
  await api.createService(mesh, 'blue.own.local', { provider: { virtualNode: { virtualNodeName: 'blue' } } });
  await api.createGateway(mesh, 'ingress', {
    listeners: [{ portMapping: { port: gatewayPort, protocol: 'http' } }],
  });
  await api.send(mesh, [
    {
      kind: 'gatewayRoute',
      virtualGatewayName: 'ingress',
      body: {
        gatewayRouteName: 'all',
        spec: {
          httpRoute: {
            match: { prefix: '/' },
            action: { target: { virtualService: { virtualServiceName: 'blue.own.local' } } },
          },
        },
      },
    },
  ]);
  for (const name of ['blue', 'green', 'canary'] as const)
    tokens[name] = (await issueToken(plane.operator, `mesh/${mesh}/virtualNode/${name}`)).token;
  tokens.gateway = (await issueToken(plane.operator, `mesh/${mesh}/virtualGateway/ingress`)).token;
});

after(async () => {
  await Promise.all(sidecars.map((sidecar) => sidecar.stop('test over')));
  api?.close();
  await blueApp?.close();
  await evilApp?.close();
  await plane?.close();
});

describe('a registry only owners can change', () => {
  it('a sidecar with its token registers its own instance; the gateway sends blue its traffic', async () => {
    const blue = await startSidecar(await settingsFor('virtualNode', 'blue', tokens.blue), logger);
    sidecars.push(blue);
    const [instance] = await waitFor('blue registered by its sidecar', async () => {
      const instances = await blueInstances();
      return instances.length === 1 ? instances : undefined;
    });
    assert.equal(instance!.attributes['SWITCHYARD_VIRTUAL_NODE'], `mesh/${mesh}/virtualNode/blue`);
    sidecars.push(await startSidecar(await settingsFor('virtualGateway', 'ingress', tokens.gateway), logger));
    await waitFor('the gateway answering from blue', async () => {
      const answer = await httpRequest(gatewayPort, '/ready');
      return answer.status === 200 && answer.body === 'blue /ready';
    });
  });

  it('the traffic-theft scenario fails: no fake instance, no health change, the traffic stays on blue', async () => {
    const before = await blueInstances();
    assert.equal(before.length, 1);
    const blueId = before[0]!.instanceId;
    const fake = { address: '127.0.0.1', port: evilApp.port, health: 'HEALTHY' };
    const unhealthy = { health: 'UNHEALTHY' };
    const blueInstance = `${blueService}/instances/${encodeURIComponent(blueId)}`;
    const byNode = (node: string, id: string) =>
      `${registry}/meshes/${mesh}/virtualNodes/${node}/instances/${id}`;
    const endpoint = plane.cp.endpoint;

    // The attacker as the issue found it: no credentials at all.
    for (const [method, path, body] of [
      ['PUT', `${blueService}/instances/evil`, fake],
      ['PUT', byNode('blue', 'evil'), fake],
      ['PUT', `${blueInstance}/health`, unhealthy],
      ['PUT', `${blueInstance}/heartbeat`, undefined],
      ['DELETE', blueInstance, undefined],
    ] as const)
      refusedAs(
        await proxyCall(endpoint, method, path, undefined, body),
        'MissingAuthenticationTokenException',
        `unauthenticated ${method} ${path}`,
      );

    // Another node's valid token: only its own node's instances.
    for (const [method, path, body] of [
      ['PUT', byNode('blue', 'evil'), fake],
      ['PUT', `${blueService}/instances/evil`, fake],
      ['PUT', `${blueInstance}/health`, unhealthy],
      ['PUT', `${blueInstance}/heartbeat`, undefined],
      ['DELETE', blueInstance, undefined],
      ['GET', `${blueService}/instances`, undefined],
      ['PUT', `${registry}/namespaces/evil.local`, undefined],
    ] as const) {
      const answer = await proxyCall(endpoint, method, path, tokens.green, body);
      refusedAs(answer, 'AccessDeniedException', `green's token: ${method} ${path}`);
      assert.match(
        String(answer.json['message']),
        /^Proxy mesh\/own\/virtualNode\/green is not authorized to perform: /,
      );
    }
    // A gateway registers no instances: its token touches nothing in the registry.
    refusedAs(
      await proxyCall(endpoint, 'PUT', `${blueInstance}/heartbeat`, tokens.gateway),
      'AccessDeniedException',
      "the gateway's token",
    );
    // A node sharing blue's Cloud Map service may not take over blue's instance by re-registering its id.
    refusedAs(
      await proxyCall(endpoint, 'PUT', byNode('canary', encodeURIComponent(blueId)), tokens.canary, fake),
      'AccessDeniedException',
      "canary re-registering blue's instance id",
    );
    // Tokens that are not valid now: tampered, expired (signed with the store's own key), revoked, garbage.
    const [prefix, payload, mac] = tokens.blue.split('.') as [string, string, string];
    const tampered = `${prefix}.${payload}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    const [key] = await plane.cp.running.store.listTokenKeys();
    const expired = mintProxyToken(
      { id: key!.id, secret: Buffer.from(key!.secret, 'base64url') },
      {
        id: 'expired',
        node: { meshName: mesh, kind: 'virtualNode', name: 'blue' },
        keyId: key!.id,
        issuedAtMs: Date.now() - 7200_000,
        expiresAtMs: Date.now() - 3600_000,
      },
    );
    const revoked = await issueToken(plane.operator, `mesh/${mesh}/virtualNode/blue`);
    await plane.operator.request('DELETE', `/switchyard/v1/tokens/${revoked.id}`);
    for (const [what, token] of [
      ['tampered', tampered],
      ['expired', expired],
      ['revoked', revoked.token],
      ['garbage', 'nonsense'],
    ] as const) {
      refusedAs(
        await proxyCall(endpoint, 'PUT', byNode('blue', 'evil'), token, fake),
        'UnrecognizedClientException',
        `${what} token`,
      );
      refusedAs(
        await proxyCall(endpoint, 'PUT', `${blueInstance}/health`, token, unhealthy),
        'UnrecognizedClientException',
        `${what} token, health`,
      );
    }

    assert.deepEqual(await blueInstances(), before, 'the registry is as it was');
    for (let i = 0; i < 20; i++) {
      const answer = await httpRequest(gatewayPort, `/r${i}`);
      assert.equal(answer.body, `blue /r${i}`, 'the gateway still sends everything to blue');
    }
    assert.equal(evilApp.hits.ok, 0, 'the attacker received nothing');

    // The same calls with the owner's token do go through: the refusals above were about who asked.
    const heartbeat = await proxyCall(endpoint, 'PUT', `${blueInstance}/heartbeat`, tokens.blue);
    assert.equal(heartbeat.status, 200);
    const health = await proxyCall(endpoint, 'PUT', `${blueInstance}/health`, tokens.blue, {
      health: 'HEALTHY',
    });
    assert.equal(health.status, 200);
    const own = await proxyCall(endpoint, 'PUT', byNode('green', 'g1'), tokens.green, {
      address: '127.0.0.1',
      port: evilApp.port,
    });
    assert.equal(own.status, 201, "green's token registers green's own instance");
    const gone = await proxyCall(
      endpoint,
      'DELETE',
      `${registry}/namespaces/e2e.local/services/green/instances/g1`,
      tokens.green,
    );
    assert.equal(gone.status, 200, 'and deregisters it');
  });

  it("a planted instance is refused: the node attribute is the control plane's, and API keys need servicediscovery:*", async () => {
    const plant = {
      address: '127.0.0.1',
      port: evilApp.port,
      attributes: { SWITCHYARD_VIRTUAL_NODE: `mesh/${mesh}/virtualNode/green` },
    };
    const planted = await plane.operator.request('PUT', `${blueService}/instances/planted`, plant).then(
      () => undefined,
      (error: Error) => error.message,
    );
    assert.match(String(planted), /attributes\.SWITCHYARD_VIRTUAL_NODE.*is set by the control plane/);
    const meshOnly = await plane
      .client(meshOnlyKey)
      .request('PUT', `${blueService}/instances/planted`, { address: '127.0.0.1', port: evilApp.port })
      .then(
        () => undefined,
        (error: Error) => error.message,
      );
    assert.match(String(meshOnly), /AccessDeniedException: .*servicediscovery:RegisterInstance/);
    assert.equal((await blueInstances()).length, 1);
  });

  it('a stopping sidecar deregisters its own instance with its token', async () => {
    await sidecars[0]!.stop('test');
    await waitFor('blue deregistered', async () => (await blueInstances()).length === 0);
  });
});
