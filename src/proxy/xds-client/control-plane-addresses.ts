// The control plane replicas a proxy may stream from: a comma-separated list of `host:port`, names expanded to
// every address they resolve to, tried in turn when a stream fails or cannot connect.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Every address `host` resolves to (IPv4 and IPv6 alike). */
export type LookupAll = (host: string) => Promise<readonly string[]>;

interface Entry {
  readonly host: string;
  readonly port: number;
}

/** An address list that cannot be used; its message names the bad part. */
export class ControlPlaneAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlPlaneAddressError';
  }
}

/** Bounds what one name may add to the rotation (a name with hundreds of records must not grow it unbounded). */
const maxTargets = 64;

const systemLookup: LookupAll = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

function target(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Parses `a:15010,b:15010` (IPv6 hosts in brackets); throws ControlPlaneAddressError on any bad entry. */
export function parseControlPlaneAddresses(list: string): readonly Entry[] {
  const parts = list
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) throw new ControlPlaneAddressError('no control plane address given');
  return parts.map((part) => {
    const m = /^(?:\[([^\]]+)\]|([^\s:[\]/]+)):(\d{1,5})$/.exec(part);
    const port = Number(m?.[3]);
    if (!m || port < 1 || port > 65535)
      throw new ControlPlaneAddressError(
        `control plane address must be HOST:PORT, got ${JSON.stringify(part)}`,
      );
    return { host: (m[1] ?? m[2])!, port };
  });
}

/**
 * The rotation: `current` is where the next stream goes; `advance()` moves on after a failure. Names are
 * resolved again at the start of every round, so replicas added to or removed from DNS are followed.
 */
export class ControlPlaneAddresses {
  readonly #entries: readonly Entry[];
  readonly #lookup: LookupAll;
  #targets: readonly string[];
  /** The name each target came from (itself for IP literals): what a TLS server certificate must name. */
  #names = new Map<string, string>();
  #index = 0;

  constructor(list: string, lookupAll: LookupAll = systemLookup) {
    this.#entries = parseControlPlaneAddresses(list);
    this.#lookup = lookupAll;
    this.#targets = this.#entries.map((e) => target(e.host, e.port));
  }

  /** The `host:port` (IPv6 in brackets) the next connection attempt uses. */
  get current(): string {
    return this.#targets[this.#index]!;
  }

  /** How many targets the rotation holds now. */
  get size(): number {
    return this.#targets.length;
  }

  /** The host the current target was given as (before names were resolved). */
  get currentName(): string {
    return this.#names.get(this.current) ?? this.current.replace(/^\[?(.*?)\]?:\d+$/, '$1');
  }

  /** Moves to the next target; true when that starts a new round (every target has been tried). */
  advance(): boolean {
    this.#index++;
    if (this.#index < this.#targets.length) return false;
    this.#index = 0;
    return true;
  }

  /**
   * Expands names into their addresses and starts the rotation over. A name that does not resolve stays in the
   * list as a name (gRPC resolves it again when dialling), so a DNS outage never empties the rotation.
   */
  async resolve(): Promise<void> {
    if (this.#entries.every((e) => isIP(e.host) !== 0)) return;
    const expanded: string[] = [];
    const names = new Map<string, string>();
    for (const entry of this.#entries) {
      let addresses: readonly string[] = [];
      if (isIP(entry.host) === 0) addresses = await this.#lookup(entry.host).catch(() => []);
      const hosts = addresses.length > 0 ? addresses : [entry.host];
      for (const host of hosts) {
        const t = target(host, entry.port);
        if (!expanded.includes(t) && expanded.length < maxTargets) {
          expanded.push(t);
          names.set(t, entry.host);
        }
      }
    }
    this.#targets = expanded;
    this.#names = names;
    this.#index = 0;
  }
}
