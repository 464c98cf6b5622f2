// A gateway with one `/public/` route (prefix kept) to one virtual service of one app, set up through the App
// Mesh API, for tests that send hostile paths through a real gateway.
import type { EchoApp } from '../../support/echo-apps.ts';
import { freePorts } from '../../support/free-ports.ts';
import { httpRequest } from '../../support/http-client.ts';
import { servingNode } from '../../support/mesh-api-client.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.ts';

export interface PublicRouteGateway {
  readonly harness: GatewayHarness;
  /** The gateway listener's port. */
  readonly port: number;
  /** What the app behind the route received. */
  readonly app: EchoApp;
}

export async function startPublicRouteGateway(mesh: string, service: string): Promise<PublicRouteGateway> {
  const harness = await startGatewayHarness();
  const [port] = (await freePorts(1)) as [number];
  const app = await harness.startApp('pub-v1');
  const api = harness.mesh.api;
  await api.createMesh(mesh);
  await api.createNode(mesh, 'pub-v1', servingNode('pub-v1', app.port));
  await api.createService(mesh, service, { provider: { virtualNode: { virtualNodeName: 'pub-v1' } } });
  await api.createGateway(mesh, 'edge', { listeners: [{ portMapping: { port, protocol: 'http' } }] });
  await harness.requests.send(mesh, [
    {
      kind: 'gatewayRoute',
      virtualGatewayName: 'edge',
      body: {
        gatewayRouteName: 'public',
        spec: {
          httpRoute: {
            match: { prefix: '/public/' },
            action: {
              target: { virtualService: { virtualServiceName: service } },
              rewrite: { prefix: { defaultPrefix: 'DISABLED' } },
            },
          },
        },
      },
    },
  ]);
  await harness.sidecarFor(mesh, 'pub-v1', app);
  await harness.gateway(mesh, 'edge');
  await waitFor('the app answering through the gateway', async () => {
    return (await httpRequest(port, '/public/ready')).status === 200;
  });
  return { harness, port, app };
}
