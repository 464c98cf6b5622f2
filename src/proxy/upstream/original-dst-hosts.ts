// ALLOW_ALL passthrough: hosts of an ORIGINAL_DST cluster made per request from the destination the app named.
import { isIP } from 'node:net';
import type { Clock } from '../clock.ts';
import type { OriginalDstConfig } from '../config/cluster-types.ts';
import type { MatchRequest } from '../config/match-request.ts';
import { headerValue } from '../config/match-request.ts';
import { Host, hostKey } from './host.ts';

/**
 * Set on every request the proxy passes through. A request arriving with it was passed through already (the
 * app's Host named one of our own listeners, or two proxies point at each other): refusing it breaks the loop
 * on its second hop.
 */
export const passthroughMarkerHeader = 'x-switchyard-passthrough';

export interface Destination {
  readonly address: string;
  readonly port: number;
}

/**
 * `ip[:port]` or `[ipv6][:port]` → destination (port 80 when absent). Names are refused: a stock Envoy only
 * accepts an IP literal here, and the proxy must not resolve names the app made up.
 */
export function parseDestination(value: string): Destination | undefined {
  let address: string;
  let portText: string | undefined;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) return undefined;
    address = value.slice(1, close);
    const rest = value.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
    portText = rest === '' ? undefined : rest.slice(1);
    if (isIP(address) !== 6) return undefined;
  } else {
    const colon = value.indexOf(':');
    address = colon < 0 ? value : value.slice(0, colon);
    portText = colon < 0 ? undefined : value.slice(colon + 1);
    if (isIP(address) !== 4) return undefined;
  }
  if (portText === undefined) return { address, port: 80 };
  if (!/^[0-9]{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  return port >= 1 && port <= 65_535 ? { address, port } : undefined;
}

interface Entry {
  readonly host: Host;
  lastUsedMs: number;
}

/**
 * The destinations in use, each a Host with its own pool, bounded in count; one idle for `idleMs` (no request
 * in flight, none started since) is dropped, checked lazily as requests come so no timer runs.
 */
export class OriginalDstHosts {
  readonly #config: OriginalDstConfig;
  readonly #clock: Clock;
  readonly #retire: (host: Host) => void;
  readonly #entries = new Map<string, Entry>();
  #lastSweepMs: number;

  constructor(config: OriginalDstConfig, clock: Clock, retire: (host: Host) => void) {
    this.#config = config;
    this.#clock = clock;
    this.#retire = retire;
    this.#lastSweepMs = clock.now();
  }

  get size(): number {
    return this.#entries.size;
  }

  hosts(): Host[] {
    return [...this.#entries.values()].map((e) => e.host);
  }

  /**
   * The host for this request's destination; undefined when there is none (no or unusable header, a request
   * already passed through once) or when `maxHosts` destinations are all busy.
   */
  hostFor(req: MatchRequest): Host | undefined {
    if (req.headers[passthroughMarkerHeader] !== undefined) return undefined;
    const value = headerValue(req, this.#config.headerName);
    const dest = value === undefined ? undefined : parseDestination(value.trim());
    if (dest === undefined) return undefined;
    const now = this.#clock.now();
    if (now - this.#lastSweepMs >= this.#config.idleMs) this.#sweep(now);
    const key = hostKey(dest.address, dest.port);
    const found = this.#entries.get(key);
    if (found !== undefined) {
      found.lastUsedMs = now;
      return found.host;
    }
    if (this.#entries.size >= this.#config.maxHosts) {
      this.#sweep(now);
      if (this.#entries.size >= this.#config.maxHosts) return undefined;
    }
    const host = new Host(
      {
        host: dest.address,
        port: dest.port,
        weight: 1,
        health: 'HEALTHY',
        priority: 0,
        healthCheckPort: undefined,
      },
      false,
    );
    this.#entries.set(key, { host, lastUsedMs: now });
    return host;
  }

  /** Drops every host (cluster closed or replaced); in-flight requests finish first. */
  clear(): void {
    for (const e of this.#entries.values()) this.#drop(e.host);
    this.#entries.clear();
  }

  #sweep(now: number): void {
    this.#lastSweepMs = now;
    for (const [key, e] of this.#entries) {
      if (e.host.activeRequests === 0 && now - e.lastUsedMs >= this.#config.idleMs) {
        this.#entries.delete(key);
        this.#drop(e.host);
      }
    }
  }

  #drop(host: Host): void {
    host.removed = true;
    this.#retire(host);
  }
}
