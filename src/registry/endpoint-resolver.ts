// Turns a virtual node's serviceDiscovery into IP endpoints: registry instances or DNS answers.

import { isIP } from 'node:net';
import { listenerPortAttribute } from '../util/instance-attributes.ts';
import { Resolver } from 'node:dns/promises';
import type { IpPreference } from '../model/specs/common.ts';
import type { ServiceDiscovery } from '../model/specs/virtual-node.ts';
import { chooseDnsAddresses, chooseInstanceAddress, type ResolvedAddress } from './address-choice.ts';
import type { InstanceHealth } from './registry-model.ts';
import type { RegistryStore } from './registry-store.ts';

export interface Endpoint {
  readonly address: string;
  readonly port: number;
  readonly health: InstanceHealth;
  /** Set for registry instances; DNS answers have none. */
  readonly instanceId?: string;
  /** For a node with several listeners: the listener this instance serves (attribute SWITCHYARD_LISTENER_PORT). */
  readonly listenerPort?: number;
}

/** Resolves a hostname to every address it has, both families; injected so tests never touch the network. */
export type HostLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface ResolveOptions {
  /** The mesh-wide preference; the discovery's own ipPreference wins over it. */
  readonly meshIpPreference?: IpPreference;
  /** The listener port DNS endpoints get (a DNS answer carries no port). */
  readonly port: number;
}

export class EndpointResolutionError extends Error {
  /** Set when the failure was a DNS lookup of this hostname. */
  readonly hostname: string | undefined;
  constructor(message: string, options?: ErrorOptions & { hostname?: string }) {
    super(message, options);
    this.name = 'EndpointResolutionError';
    this.hostname = options?.hostname;
  }
}

/**
 * A lookup through `resolver` (c-ares). IP literals and `localhost` are answered locally; /etc/hosts is not
 * read. Tests point a resolver at a closed loopback port to get real resolver failures without the network.
 */
export function createResolverLookup(resolver: Resolver): HostLookup {
  return async (hostname) => {
    const family = isIP(hostname);
    if (family !== 0) return [{ address: hostname, family: family === 6 ? 6 : 4 }];
    if (hostname === 'localhost')
      return [
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ];
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
    const answers: ResolvedAddress[] = [
      ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
      ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
    ];
    if (answers.length === 0 && v4.status === 'rejected') throw v4.reason;
    return answers;
  };
}

/**
 * DNS through c-ares (never getaddrinfo: its lookups occupy libuv's four worker threads, and a few hundred
 * slow names would stall every file write of the process, logging included).
 */
export const systemLookup: HostLookup = createResolverLookup(new Resolver({ timeout: 2000, tries: 2 }));

export interface EndpointResolverDeps {
  readonly registry: RegistryStore;
  readonly lookup?: HostLookup;
}

function listenerPortOf(attributes: Readonly<Record<string, string>>): { listenerPort?: number } {
  const port = Number(attributes[listenerPortAttribute]);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? { listenerPort: port } : {};
}

export type ResolveEndpoints = (discovery: ServiceDiscovery, options: ResolveOptions) => Promise<Endpoint[]>;

/**
 * Builds the resolver the control plane calls for each virtual node with service discovery. `awsCloudMap`
 * reads serving instances from the registry (attributes must all match); `dns` resolves the hostname: every
 * address for ENDPOINTS, the first for LOADBALANCER (the default). A failed lookup throws
 * EndpointResolutionError so the caller can keep its last good endpoints, as Envoy does.
 */
export function createEndpointResolver(deps: EndpointResolverDeps): ResolveEndpoints {
  const hostLookup = deps.lookup ?? systemLookup;
  return async (discovery, options) => {
    if (discovery.awsCloudMap) {
      const { namespaceName, serviceName, attributes = [], ipPreference } = discovery.awsCloudMap;
      const preference = ipPreference ?? options.meshIpPreference;
      const instances = await deps.registry.discoverInstances({
        namespaceName,
        serviceName,
        attributes: Object.fromEntries(attributes.map(({ key, value }) => [key, value])),
      });
      return instances.flatMap((instance) => {
        const address = chooseInstanceAddress(instance, preference);
        return address === undefined
          ? []
          : [
              {
                address,
                port: instance.port,
                health: instance.health,
                instanceId: instance.instanceId,
                ...listenerPortOf(instance.attributes),
              },
            ];
      });
    }
    const { hostname, responseType, ipPreference } = discovery.dns;
    let answers: readonly ResolvedAddress[];
    try {
      answers = await hostLookup(hostname);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new EndpointResolutionError(`cannot resolve ${hostname}: ${reason}`, { cause: error, hostname });
    }
    const chosen = chooseDnsAddresses(answers, ipPreference ?? options.meshIpPreference);
    const picked = responseType === 'ENDPOINTS' ? chosen : chosen.slice(0, 1);
    return picked.map(({ address }) => ({ address, port: options.port, health: 'UNKNOWN' as const }));
  };
}
