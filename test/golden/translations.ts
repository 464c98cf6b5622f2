// Every translation the golden tests make: each example's node sidecars, virtual-service gRPC clients and
// virtual gateways, plus the TLS example under each mesh-wide mTLS mode.
import {
  addTracing,
  translateGateway,
  translateGrpcClient,
  translateSidecar,
  type EnvoyResources,
  type MeshSecurity,
} from '../../src/xds/translate/index.ts';
import { exampleNames, loadExample } from './example-mesh.ts';

export interface Translation {
  readonly label: string;
  readonly resources: EnvoyResources;
}

/** A translation under a mesh-wide mTLS mode, with its golden file relative to test/golden/. */
export interface SecurityTranslation extends Translation {
  readonly goldenFile: string;
}

/** The example that shows the mesh-wide switch: its explicit TLS blocks win, the rest gets built-in mTLS. */
export const mtlsExample = 'tls-mesh';

/** Traffic permissions are enforced from mTLS identities: their example under strict mTLS too. */
const mtlsExamples = [
  [mtlsExample, ['permissive', 'strict']],
  ['traffic-permission', ['strict']],
] as const;

export function mtlsTranslations(): SecurityTranslation[] {
  const result: SecurityTranslation[] = [];
  for (const [name, modes] of mtlsExamples) result.push(...mtlsTranslationsOf(name, modes));
  return result;
}

function mtlsTranslationsOf(
  name: string,
  modes: readonly ('permissive' | 'strict')[],
): SecurityTranslation[] {
  const example = loadExample(name);
  const result: SecurityTranslation[] = [];
  for (const mtls of modes) {
    const security: MeshSecurity = { mtls, trustDomain: 'switchyard.local' };
    const dir = `${name}/mtls-${mtls}`;
    for (const node of example.nodeNames) {
      result.push({
        label: `${name} (mtls ${mtls}) sidecar ${node}`,
        goldenFile: `${dir}/${node}.json`,
        resources: translateSidecar(example.state, node, example.endpoints, { security }),
      });
    }
    for (const gateway of example.gatewayNames) {
      result.push({
        label: `${name} (mtls ${mtls}) gateway ${gateway}`,
        goldenFile: `${dir}/gateway/${gateway}.json`,
        resources: translateGateway(example.state, gateway, example.endpoints, { security }),
      });
    }
  }
  return result;
}

/** The collector the tracing goldens are translated with. */
export const goldenTracing = { collectorUrl: 'http://127.0.0.1:4318/v1/traces', samplingPercent: 1 };

/** With a collector configured: the ingress example's sidecars and gateways, Envoy's tracer on every HCM. */
export function tracingTranslations(): SecurityTranslation[] {
  const name = 'ingress-gateway';
  const example = loadExample(name);
  const result: SecurityTranslation[] = [];
  for (const node of example.nodeNames)
    result.push({
      label: `${name} (tracing) sidecar ${node}`,
      goldenFile: `tracing/${node}.json`,
      resources: addTracing(translateSidecar(example.state, node, example.endpoints), goldenTracing, node),
    });
  for (const gateway of example.gatewayNames)
    result.push({
      label: `${name} (tracing) gateway ${gateway}`,
      goldenFile: `tracing/gateway/${gateway}.json`,
      resources: addTracing(
        translateGateway(example.state, gateway, example.endpoints),
        goldenTracing,
        gateway,
      ),
    });
  return result;
}

export function allTranslations(): Translation[] {
  const result: Translation[] = [];
  for (const name of exampleNames()) {
    const example = loadExample(name);
    for (const node of example.nodeNames) {
      result.push({
        label: `${name} sidecar ${node}`,
        resources: translateSidecar(example.state, node, example.endpoints),
      });
    }
    for (const service of example.serviceNames) {
      result.push({
        label: `${name} gRPC client ${service}`,
        resources: translateGrpcClient(example.state, service, example.endpoints),
      });
    }
    for (const gateway of example.gatewayNames) {
      result.push({
        label: `${name} gateway ${gateway}`,
        resources: translateGateway(example.state, gateway, example.endpoints),
      });
    }
  }
  result.push(...mtlsTranslations());
  result.push(...tracingTranslations());
  return result;
}

/** Each resource of a translation with its xDS type URL. */
export function typedResources(
  resources: EnvoyResources,
): { typeUrl: string; name: string; message: object }[] {
  const rows: { typeUrl: string; name: string; message: object }[] = [];
  const add = (typeUrl: string, list: readonly object[], key: 'name' | 'cluster_name') => {
    for (const message of list) {
      rows.push({ typeUrl, name: String((message as Record<string, unknown>)[key]), message });
    }
  };
  add('type.googleapis.com/envoy.config.listener.v3.Listener', resources.listeners, 'name');
  add('type.googleapis.com/envoy.config.route.v3.RouteConfiguration', resources.routeConfigurations, 'name');
  add('type.googleapis.com/envoy.config.cluster.v3.Cluster', resources.clusters, 'name');
  add(
    'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
    resources.clusterLoadAssignments,
    'cluster_name',
  );
  add('type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret', resources.secrets, 'name');
  return rows;
}
