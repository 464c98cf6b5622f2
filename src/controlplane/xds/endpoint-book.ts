// Keeps every virtual node's endpoints resolved (instance registry or DNS) and hands them to translation.

import type { Logger } from 'pino';
import { createDnsBackoff } from '../../registry/dns-backoff.ts';
import {
  createEndpointResolver,
  EndpointResolutionError,
  systemLookup,
  type HostLookup,
} from '../../registry/endpoint-resolver.ts';
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
  /** Monotonic milliseconds for the DNS back-off; tests inject one. */
  readonly now?: () => number;
  /** The DNS back-off's first and longest wait (defaults 5000 and 120000). */
  readonly dnsBackoffBaseMs?: number;
  readonly dnsBackoffMaxMs?: number;
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
    const logger = options.logger;
    // One back-off per hostname, shared by every node that uses it: one query and one log line per step.
    const dns = createDnsBackoff({
      lookup: options.lookup ?? systemLookup,
      now: options.now,
      baseMs: options.dnsBackoffBaseMs,
      maxMs: options.dnsBackoffMaxMs,
      onFailure: ({ hostname, code, message, failures, retryInMs }) =>
        logger.warn(
          { hostname, code, reason: message, failures, retryInMs },
          'dns lookup failed; its nodes keep their last endpoints',
        ),
      onRecovery: (hostname, failures) => logger.info({ hostname, failures }, 'dns lookup succeeds again'),
    });
    this.#watcher = new EndpointWatcher({
      registry: options.registry,
      resolve: createEndpointResolver({ registry: options.registry, lookup: dns.lookup }),
      dnsRefreshMs: options.dnsRefreshMs,
      onEndpoints: (key) => {
        const [meshName, nodeName] = JSON.parse(key) as [string, string];
        this.#byMesh.delete(meshName);
        options.onNodeEndpoints(meshName, nodeName);
      },
      onError: (key, error) => {
        // DNS failures were reported above, once per hostname; a per-node line would repeat them per node.
        if (error instanceof EndpointResolutionError && error.hostname !== undefined) return;
        logger.warn(
          { node: key, reason: error instanceof Error ? error.message : String(error) },
          'endpoint resolution failed; keeping the last endpoints',
        );
      },
    });
  }

  /**
   * Starts, changes or stops watches to match the mesh's current state: for the named nodes only, or for
   * every node of the mesh (at startup, and when the mesh itself changed its ipPreference).
   */
  async sync(meshName: string, nodeNames?: readonly string[]): Promise<void> {
    const state = this.#states.state(meshName);
    const meshIpPreference = state?.mesh.spec.serviceDiscovery?.ipPreference;
    const names = nodeNames ?? [
      ...new Set([...(state?.virtualNodes.keys() ?? []), ...this.#watchedNames(meshName)]),
    ];
    const pending: Promise<void>[] = [];
    for (const nodeName of names) {
      const key = watchKey(meshName, nodeName);
      const spec = state?.virtualNodes.get(nodeName)?.spec;
      const port = spec?.listeners?.[0]?.portMapping.port;
      if (!spec?.serviceDiscovery || port === undefined) {
        if (this.#watchedWith.delete(key)) this.#watcher.unwatch(key);
        continue;
      }
      const signature = JSON.stringify([spec.serviceDiscovery, port, meshIpPreference]);
      if (this.#watchedWith.get(key) === signature) continue;
      this.#watchedWith.set(key, signature);
      pending.push(this.#watcher.watch(key, spec.serviceDiscovery, { port, meshIpPreference }));
    }
    this.#byMesh.delete(meshName);
    await Promise.all(pending);
  }

  #watchedNames(meshName: string): string[] {
    return [...this.#watchedWith.keys()]
      .map((key) => JSON.parse(key) as [string, string])
      .filter(([mesh]) => mesh === meshName)
      .map(([, node]) => node);
  }

  /** Endpoints of every node of the mesh, for translation; per listener port for DNS-discovered nodes. */
  endpointsFor(meshName: string): EndpointsByNode {
    const cached = this.#byMesh.get(meshName);
    if (cached) return cached;
    const result = new Map<string, ResolvedEndpoint[]>();
    for (const node of this.#states.state(meshName)?.virtualNodes.values() ?? []) {
      const resolved = this.#watcher.endpoints(watchKey(meshName, node.name));
      if (!resolved) continue;
      const spec = node.spec;
      const listenerPorts = spec.serviceDiscovery?.dns
        ? (spec.listeners ?? []).map((l) => l.portMapping.port)
        : [];
      const endpoints: ResolvedEndpoint[] = [];
      for (const endpoint of resolved) {
        const healthy = endpoint.health !== 'UNHEALTHY';
        if (endpoint.listenerPort !== undefined) {
          endpoints.push({
            address: endpoint.address,
            port: endpoint.port,
            healthy,
            listenerPort: endpoint.listenerPort,
          });
        } else if (listenerPorts.length > 1) {
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

  /** Re-resolves every DNS-discovered node now (the refresh timer does this every dnsRefreshMs). */
  refreshDns(): Promise<void> {
    return this.#watcher.refreshDns();
  }

  close(): void {
    this.#watcher.close();
  }
}
