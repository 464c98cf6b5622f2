// Keeps every virtual node's endpoints resolved (instance registry or DNS) and hands them to translation.

import type { Logger } from 'pino';
import type { MeshSpec, VirtualNodeSpec } from '../../model/specs/index.ts';
import { createEndpointResolver, type HostLookup } from '../../registry/endpoint-resolver.ts';
import { EndpointWatcher } from '../../registry/endpoint-watcher.ts';
import type { RegistryStore } from '../../registry/registry-store.ts';
import type { EndpointsByNode, ResolvedEndpoint } from '../../xds/translate/index.ts';
import type { MeshStates } from './mesh-states.ts';

export interface EndpointBookOptions {
  readonly registry: RegistryStore;
  readonly states: MeshStates;
  readonly logger: Logger;
  /** Called when a node's endpoints changed after their first resolution. */
  readonly onNodeEndpoints: (meshName: string, nodeName: string) => void;
  readonly lookup?: HostLookup;
  readonly dnsRefreshMs?: number;
}

const watchKey = (meshName: string, nodeName: string): string => JSON.stringify([meshName, nodeName]);

export class EndpointBook {
  readonly #states: MeshStates;
  readonly #watcher: EndpointWatcher;
  /** What each watched node was watched with, to re-watch only when that changes. */
  readonly #watchedWith = new Map<string, string>();
  readonly #byMesh = new Map<string, EndpointsByNode>();

  constructor(options: EndpointBookOptions) {
    this.#states = options.states;
    this.#watcher = new EndpointWatcher({
      registry: options.registry,
      resolve: createEndpointResolver({ registry: options.registry, lookup: options.lookup }),
      dnsRefreshMs: options.dnsRefreshMs,
      onEndpoints: (key) => {
        const [meshName, nodeName] = JSON.parse(key) as [string, string];
        this.#byMesh.delete(meshName);
        options.onNodeEndpoints(meshName, nodeName);
      },
      onError: (key, error) =>
        options.logger.warn(
          { err: error, node: key },
          'endpoint resolution failed; keeping the last endpoints',
        ),
    });
  }

  /** Starts, changes or stops the watches of one mesh's nodes to match its current state. */
  async sync(meshName: string): Promise<void> {
    const state = this.#states.state(meshName);
    const meshIpPreference = (state?.mesh.spec as MeshSpec | undefined)?.serviceDiscovery?.ipPreference;
    const wanted = new Map<
      string,
      { discovery: NonNullable<VirtualNodeSpec['serviceDiscovery']>; port: number }
    >();
    for (const node of state?.virtualNodes.values() ?? []) {
      const spec = node.spec as VirtualNodeSpec;
      const port = spec.listeners?.[0]?.portMapping.port;
      if (spec.serviceDiscovery && port !== undefined)
        wanted.set(watchKey(meshName, node.name), { discovery: spec.serviceDiscovery, port });
    }
    const pending: Promise<void>[] = [];
    for (const key of this.#watchedWith.keys()) {
      if ((JSON.parse(key) as string[])[0] === meshName && !wanted.has(key)) {
        this.#watcher.unwatch(key);
        this.#watchedWith.delete(key);
      }
    }
    for (const [key, { discovery, port }] of wanted) {
      const signature = JSON.stringify([discovery, port, meshIpPreference]);
      if (this.#watchedWith.get(key) === signature) continue;
      this.#watchedWith.set(key, signature);
      pending.push(this.#watcher.watch(key, discovery, { port, meshIpPreference }));
    }
    this.#byMesh.delete(meshName);
    await Promise.all(pending);
  }

  /** Endpoints of every node of the mesh, for translation; per listener port for DNS-discovered nodes. */
  endpointsFor(meshName: string): EndpointsByNode {
    const cached = this.#byMesh.get(meshName);
    if (cached) return cached;
    const result = new Map<string, ResolvedEndpoint[]>();
    for (const node of this.#states.state(meshName)?.virtualNodes.values() ?? []) {
      const resolved = this.#watcher.endpoints(watchKey(meshName, node.name));
      if (!resolved) continue;
      const spec = node.spec as VirtualNodeSpec;
      const listenerPorts = spec.serviceDiscovery?.dns
        ? (spec.listeners ?? []).map((l) => l.portMapping.port)
        : [];
      const endpoints: ResolvedEndpoint[] = [];
      for (const endpoint of resolved) {
        const healthy = endpoint.health !== 'UNHEALTHY';
        if (listenerPorts.length > 1) {
          for (const port of listenerPorts)
            endpoints.push({ address: endpoint.address, port, healthy, listenerPort: port });
        } else {
          endpoints.push({ address: endpoint.address, port: endpoint.port, healthy });
        }
      }
      result.set(node.name, endpoints);
    }
    this.#byMesh.set(meshName, result);
    return result;
  }

  close(): void {
    this.#watcher.close();
  }
}
