// Domain lookup in Envoy's order: exact, longest suffix wildcard, longest prefix wildcard, then `*`.
import type { VirtualHostConfig } from '../config/route-types.ts';

const cacheLimit = 4096;

export class VirtualHostIndex {
  readonly #exact = new Map<string, VirtualHostConfig>();
  readonly #suffixes: { readonly suffix: string; readonly vhost: VirtualHostConfig }[] = [];
  readonly #prefixes: { readonly prefix: string; readonly vhost: VirtualHostConfig }[] = [];
  readonly #star: VirtualHostConfig | undefined;
  readonly #stripPort: boolean;
  // Hosts repeat endlessly in real traffic; remembering answers keeps wildcard scans off the hot path.
  readonly #cache = new Map<string, VirtualHostConfig | null>();

  constructor(vhosts: readonly VirtualHostConfig[], stripPort: boolean) {
    let star: VirtualHostConfig | undefined;
    for (const vhost of vhosts) {
      for (const domain of vhost.domains) {
        if (domain === '*') star = vhost;
        else if (domain.startsWith('*')) this.#suffixes.push({ suffix: domain.slice(1), vhost });
        else if (domain.endsWith('*')) this.#prefixes.push({ prefix: domain.slice(0, -1), vhost });
        else this.#exact.set(domain, vhost);
      }
    }
    this.#suffixes.sort((a, b) => b.suffix.length - a.suffix.length);
    this.#prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
    this.#star = star;
    this.#stripPort = stripPort;
  }

  find(authority: string): VirtualHostConfig | undefined {
    const cached = this.#cache.get(authority);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.#lookup(authority);
    if (this.#cache.size >= cacheLimit) this.#cache.clear();
    this.#cache.set(authority, found ?? null);
    return found;
  }

  #lookup(authority: string): VirtualHostConfig | undefined {
    let host = authority.toLowerCase();
    if (this.#stripPort) host = stripPort(host);
    const exact = this.#exact.get(host);
    if (exact) return exact;
    // A wildcard never matches the empty string, hence the strict length comparisons.
    for (const s of this.#suffixes) {
      if (host.length > s.suffix.length && host.endsWith(s.suffix)) return s.vhost;
    }
    for (const p of this.#prefixes) {
      if (host.length > p.prefix.length && host.startsWith(p.prefix)) return p.vhost;
    }
    return this.#star;
  }
}

/** `host:port` → `host`, leaving IPv6 literals (`[::1]:80` → `[::1]`) intact. */
export function stripPort(host: string): string {
  const colon = host.lastIndexOf(':');
  if (colon < 0) return host;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close >= 0 ? host.slice(0, close + 1) : host;
  }
  return host.indexOf(':') === colon ? host.slice(0, colon) : host;
}
