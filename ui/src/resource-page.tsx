// One resource: its spec, its version, and the proxies that run it with their sync state; routes with
// weighted targets also get the traffic-split control.

import { callApi } from './api-client.ts';
import { graphNodeId } from './graph-ids.ts';
import {
  loadMesh,
  meshLinks,
  resourcePath,
  type MeshModel,
  type ResourceData,
  type ResourceKind,
} from './mesh-model.ts';
import { ErrorLine, meshHref, ProxyTable } from './page-parts.tsx';
import { fetchClients } from './proxy-status.ts';
import type { XdsClient } from './sync-state.ts';
import { SplitControl } from './split-control.tsx';
import { usePolling } from './use-polling.ts';
import { HistoryTable } from './history-table.tsx';

interface Props {
  readonly meshName: string;
  readonly kind: ResourceKind;
  readonly name: string;
  readonly parentName?: string;
}

/**
 * The nodes and gateways whose proxies carry this resource in their configuration: a node or gateway itself;
 * for a service, whoever sends to it and whoever serves it; for a router or its routes, the same for the
 * services it provides.
 */
function runnersOf(model: MeshModel, kind: ResourceKind, name: string, parentName?: string): Set<string> {
  if (kind === 'virtualNode' || kind === 'virtualGateway') return new Set([graphNodeId(kind, name)]);
  if (kind === 'gatewayRoute') return new Set([graphNodeId('virtualGateway', parentName ?? '')]);
  const routerName = kind === 'route' ? parentName : kind === 'virtualRouter' ? name : undefined;
  const services = new Set<string>();
  if (kind === 'virtualService') services.add(graphNodeId('virtualService', name));
  const links = meshLinks(model);
  for (const link of links) {
    if (routerName !== undefined && link.to === graphNodeId('virtualRouter', routerName))
      services.add(link.from);
  }
  const runners = new Set<string>();
  // Senders to the services, then every node the services lead to (through their router).
  const frontier = [...services];
  for (const link of links) if (services.has(link.to)) runners.add(link.from);
  while (frontier.length > 0) {
    const at = frontier.pop()!;
    for (const link of links) {
      if (link.from !== at) continue;
      if (link.to.startsWith('virtualRouter:')) frontier.push(link.to);
      else if (link.to.startsWith('virtualNode:')) runners.add(link.to);
    }
  }
  return runners;
}

const runsOn = (runners: Set<string>, client: XdsClient, meshName: string): boolean =>
  client.proxy !== undefined &&
  client.proxy.meshName === meshName &&
  runners.has(graphNodeId(client.proxy.kind as ResourceKind, client.proxy.name));

export function ResourcePage({ meshName, kind, name, parentName }: Props) {
  const resource = usePolling(
    () => callApi<ResourceData>('GET', resourcePath(meshName, kind, name, parentName)),
    5000,
    [meshName, kind, name, parentName],
  );
  const mesh = usePolling(() => loadMesh(meshName), 5000, [meshName]);
  const clients = usePolling(fetchClients, 3000, []);
  const data = resource.value;
  const route =
    kind === 'route'
      ? mesh.value?.routes.find((r) => r.routerName === parentName && r.name === name)
      : undefined;
  const runners = mesh.value ? runnersOf(mesh.value, kind, name, parentName) : undefined;
  return (
    <main>
      <p>
        <a href={meshHref(meshName)}>← mesh {meshName}</a>
      </p>
      <h2>
        {kind} {parentName ? `${parentName} / ` : ''}
        {name}
      </h2>
      {resource.error && <ErrorLine error={resource.error} />}
      {data && (
        <dl class="facts">
          <dt>version</dt>
          <dd data-testid="resource-version">{data.metadata.version}</dd>
          <dt>status</dt>
          <dd>{data.status?.status ?? '–'}</dd>
          <dt>created</dt>
          <dd>{new Date(data.metadata.createdAt * 1000).toLocaleString()}</dd>
          <dt>last updated</dt>
          <dd>{new Date(data.metadata.lastUpdatedAt * 1000).toLocaleString()}</dd>
          <dt>ARN</dt>
          <dd>{data.metadata.arn ?? '–'}</dd>
        </dl>
      )}
      {route && route.targets.length > 0 && (
        <SplitControl meshName={meshName} route={route} onSaved={resource.refresh} />
      )}
      <h3>Proxies running it</h3>
      {clients.error && <ErrorLine error={clients.error} />}
      {clients.value && runners && (
        <ProxyTable clients={clients.value.clients.filter((client) => runsOn(runners, client, meshName))} />
      )}
      <h3>Spec</h3>
      {data && <pre class="spec">{JSON.stringify(data.spec, null, 2)}</pre>}
      <h3>Version history</h3>
      <HistoryTable meshName={meshName} kind={kind} name={name} {...(parentName ? { parentName } : {})} />
    </main>
  );
}
