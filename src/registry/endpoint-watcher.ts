// Keeps the endpoints of watched service discoveries current: registry changes re-resolve awsCloudMap at
// once, and DNS hostnames are re-resolved on a timer (as Envoy refreshes STRICT_DNS every 5 s).

import { isDeepStrictEqual } from 'node:util';
import type { ServiceDiscovery } from '../model/specs/virtual-node.ts';
import type { Endpoint, ResolveEndpoints, ResolveOptions } from './endpoint-resolver.ts';
import type { RegistryChange, RegistryStore } from './registry-store.ts';

export interface EndpointWatcherOptions {
  readonly registry: RegistryStore;
  readonly resolve: ResolveEndpoints;
  /** Called with a key's endpoints when they first resolve and whenever they change afterwards. */
  readonly onEndpoints: (key: string, endpoints: readonly Endpoint[]) => void;
  /** A resolution failed; the key keeps its last endpoints. */
  readonly onError: (key: string, error: unknown) => void;
  /** How often DNS discoveries are re-resolved (default 5000); 0 turns the timer off. */
  readonly dnsRefreshMs?: number;
}

interface Watched {
  readonly discovery: ServiceDiscovery;
  readonly options: ResolveOptions;
  /** Counts resolutions started, so a slow older one never overwrites a newer one. */
  started: number;
  endpoints: readonly Endpoint[] | undefined;
}

export class EndpointWatcher {
  readonly #options: EndpointWatcherOptions;
  readonly #watched = new Map<string, Watched>();
  readonly #unsubscribe: () => void;
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(options: EndpointWatcherOptions) {
    this.#options = options;
    this.#unsubscribe = options.registry.onChange((change) => this.#onRegistryChange(change));
    const refreshMs = options.dnsRefreshMs ?? 5000;
    if (refreshMs > 0) {
      this.#timer = setInterval(() => void this.refreshDns(), refreshMs);
      this.#timer.unref();
    }
  }

  /** Starts (or replaces) the watch under `key` and resolves it now. */
  watch(key: string, discovery: ServiceDiscovery, options: ResolveOptions): Promise<void> {
    const entry: Watched = { discovery, options, started: 0, endpoints: this.#watched.get(key)?.endpoints };
    this.#watched.set(key, entry);
    return this.#refresh(key, entry);
  }

  unwatch(key: string): void {
    this.#watched.delete(key);
  }

  /** The last endpoints resolved for `key`, if any. */
  endpoints(key: string): readonly Endpoint[] | undefined {
    return this.#watched.get(key)?.endpoints;
  }

  /** Re-resolves every DNS discovery now; the timer calls this. */
  async refreshDns(): Promise<void> {
    const dns = [...this.#watched].filter(([, entry]) => entry.discovery.dns !== undefined);
    await Promise.all(dns.map(([key, entry]) => this.#refresh(key, entry)));
  }

  close(): void {
    this.#unsubscribe();
    if (this.#timer) clearInterval(this.#timer);
    this.#watched.clear();
  }

  #onRegistryChange(change: RegistryChange): void {
    if (change.kind !== 'instance') return;
    for (const [key, entry] of this.#watched) {
      const cloudMap = entry.discovery.awsCloudMap;
      if (cloudMap?.namespaceName === change.namespaceName && cloudMap.serviceName === change.serviceName) {
        void this.#refresh(key, entry);
      }
    }
  }

  async #refresh(key: string, entry: Watched): Promise<void> {
    const attempt = ++entry.started;
    const isLatest = () => this.#watched.get(key) === entry && entry.started === attempt;
    try {
      const endpoints = await this.#options.resolve(entry.discovery, entry.options);
      if (!isLatest()) return;
      if (entry.endpoints !== undefined && isDeepStrictEqual(entry.endpoints, endpoints)) return;
      entry.endpoints = endpoints;
      this.#options.onEndpoints(key, endpoints);
    } catch (error) {
      // Also catches a throwing onEndpoints: refreshes run detached, so nothing else would see it.
      if (isLatest()) this.#options.onError(key, error);
    }
  }
}
