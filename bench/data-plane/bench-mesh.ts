// The App Mesh resources of a data-plane run, created through the REST API: a `hop` node whose inbound listener
// fronts the app (the one-hop path), and the mesh path: a `client` node whose sidecar routes the virtual service
// `server.bench.local` through a virtual router to the `server` node, whose sidecar registers itself and fronts
// the same app.

import type { ApiDriver } from '../control-plane/api-driver.ts';
import { grpcServiceName } from './grpc-echo.ts';

export const benchMeshName = 'bench';
export const serviceName = 'server.bench.local';
export const servicePort = 8080;
/** What a client puts in Host / :authority to reach the service through its sidecar. */
export const serviceAuthority = `${serviceName}:${servicePort}`;

export type BenchProtocol = 'http' | 'grpc';

export type BenchNodeName = 'hop' | 'server' | 'client' | 'hop-tls' | 'server-tls' | 'client-tls';

export const nodeId = (name: BenchNodeName): string => `mesh/${benchMeshName}/virtualNode/${name}`;

/** The mTLS mesh path's service: `client-tls` → `server-tls`, both with identities from the built-in CA. */
export const tlsServiceName = 'server-tls.bench.local';
// Provided by the node directly, so its port is the app's: the bare name matches whatever the port.
export const tlsServiceAuthority = tlsServiceName;
const trustDomain = 'switchyard.local';
const identity = (node: BenchNodeName): string =>
  `spiffe://${trustDomain}/mesh/${benchMeshName}/virtualNode/${node}`;

export async function createBenchMesh(
  api: ApiDriver,
  protocol: BenchProtocol,
  appPort: number,
): Promise<void> {
  const m = `/v20190125/meshes/${benchMeshName}`;
  const listener = { portMapping: { port: appPort, protocol } };
  const route =
    protocol === 'http'
      ? {
          httpRoute: {
            match: { prefix: '/' },
            action: { weightedTargets: [{ virtualNode: 'server', weight: 1 }] },
          },
        }
      : {
          grpcRoute: {
            match: { serviceName: grpcServiceName },
            action: { weightedTargets: [{ virtualNode: 'server', weight: 1 }] },
          },
        };
  await api.call('PUT', '/v20190125/meshes', { meshName: benchMeshName, spec: {} });
  await api.call('PUT', `${m}/virtualNodes`, {
    virtualNodeName: 'hop',
    spec: { listeners: [listener], serviceDiscovery: { dns: { hostname: '127.0.0.1' } } },
  });
  await api.call('PUT', `${m}/virtualNodes`, {
    virtualNodeName: 'server',
    spec: {
      listeners: [listener],
      serviceDiscovery: { awsCloudMap: { namespaceName: 'bench.local', serviceName: 'server' } },
    },
  });
  await api.call('PUT', `${m}/virtualRouters`, {
    virtualRouterName: 'server',
    spec: { listeners: [{ portMapping: { port: servicePort, protocol } }] },
  });
  await api.call('PUT', `${m}/virtualRouter/server/routes`, { routeName: 'default', spec: route });
  await api.call('PUT', `${m}/virtualServices`, {
    virtualServiceName: serviceName,
    spec: { provider: { virtualRouter: { virtualRouterName: 'server' } } },
  });
  await api.call('PUT', `${m}/virtualNodes`, {
    virtualNodeName: 'client',
    spec: {
      backends: [{ virtualService: { virtualServiceName: serviceName } }],
      serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
    },
  });
}

/** A certificate and key on disk (PEM), for a listener that terminates TLS with `file` certificates. */
export interface CertificateFiles {
  readonly certificateChain: string;
  readonly privateKey: string;
}

/**
 * The TLS configurations of the HTTP data-plane run, beside the plaintext ones: `hop-tls` terminates TLS from the
 * load generator with file certificates (the same hop HAProxy makes with the same key), and `client-tls` →
 * `server-tls` is the mesh path with mutual TLS from the built-in CA's identities, delivered over SDS.
 */
export async function createTlsBenchNodes(
  api: ApiDriver,
  appPort: number,
  hopCertificate: CertificateFiles,
): Promise<void> {
  const m = `/v20190125/meshes/${benchMeshName}`;
  const bundle = { sds: { secretName: `spiffe://${trustDomain}` } };
  await api.call('PUT', `${m}/virtualNodes`, {
    virtualNodeName: 'hop-tls',
    spec: {
      listeners: [
        {
          portMapping: { port: appPort, protocol: 'http' },
          tls: { mode: 'STRICT', certificate: { file: hopCertificate } },
        },
      ],
      serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
    },
  });
  await api.call('PUT', `${m}/virtualNodes`, {
    virtualNodeName: 'server-tls',
    spec: {
      listeners: [
        {
          portMapping: { port: appPort, protocol: 'http' },
          tls: {
            mode: 'STRICT',
            certificate: { sds: { secretName: identity('server-tls') } },
            validation: { trust: bundle },
          },
        },
      ],
      serviceDiscovery: { awsCloudMap: { namespaceName: 'bench.local', serviceName: 'server-tls' } },
    },
  });
  await api.call('PUT', `${m}/virtualServices`, {
    virtualServiceName: tlsServiceName,
    spec: { provider: { virtualNode: { virtualNodeName: 'server-tls' } } },
  });
  await api.call('PUT', `${m}/virtualNodes`, {
    virtualNodeName: 'client-tls',
    spec: {
      backends: [{ virtualService: { virtualServiceName: tlsServiceName } }],
      backendDefaults: {
        clientPolicy: {
          tls: {
            certificate: { sds: { secretName: identity('client-tls') } },
            validation: { trust: bundle },
          },
        },
      },
      serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
    },
  });
}
