// The Host-header check of the local HTTP servers (App Mesh API, proxy admin) against DNS rebinding.

import { isIP } from 'node:net';

export interface HostCheckOptions {
  /** Extra host names accepted (for setups reached through a name); matched case-insensitively. */
  readonly allowedHosts?: readonly string[];
}

/** What the check needs to know about one request; read from the request and its socket. */
export interface HostCheckRequest {
  /** The Host header as received; undefined when absent. */
  readonly host: string | undefined;
  /** The address the connection arrived on (socket.localAddress). */
  readonly localAddress: string | undefined;
  /** The address the server is bound to (server.address().address). */
  readonly boundAddress: string | undefined;
}

/** Decides whether a request's Host header names this server; returns why not, or undefined to accept. */
export type HostCheck = (request: HostCheckRequest) => string | undefined;

/** `name`, `name:port`, `[v6]` or `[v6]:port` → the host part, lower-cased, without a trailing dot. */
function hostPart(header: string): string | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]*))(?::(\d{1,5}))?$/.exec(header.trim());
  if (!match) return undefined;
  const host = (match[1] ?? match[2] ?? '').toLowerCase();
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/** `::ffff:127.0.0.1` (an IPv4 client on a dual-stack socket) compares equal to `127.0.0.1`. */
function canonicalIp(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return (mapped ? mapped[1]! : address).toLowerCase();
}

const wildcardAddresses = new Set(['0.0.0.0', '::']);

/**
 * Builds the check. A browser page whose name an attacker re-points at 127.0.0.1 (DNS rebinding) reaches a
 * loopback server with `Host: attacker.example`; the check refuses every name except `localhost` and the
 * configured extras. IP literals are accepted when they are the address the connection arrived on, or any
 * IP literal when the server is bound to all interfaces: an IP literal cannot be rebound. A request without
 * a Host header (HTTP/1.0 tools) is accepted: browsers always send one.
 */
export function createHostCheck(options: HostCheckOptions = {}): HostCheck {
  const allowed = new Set((options.allowedHosts ?? []).map((name) => name.toLowerCase().replace(/\.$/, '')));
  return ({ host, localAddress, boundAddress }) => {
    if (host === undefined) return undefined;
    const name = hostPart(host);
    if (name === undefined || name === '') return `Host header ${JSON.stringify(host)} is not valid`;
    if (name === 'localhost' || allowed.has(name)) return undefined;
    if (isIP(name) !== 0) {
      if (boundAddress !== undefined && wildcardAddresses.has(boundAddress)) return undefined;
      if (localAddress !== undefined && canonicalIp(name) === canonicalIp(localAddress)) return undefined;
      return `Host ${JSON.stringify(host)} is not an address this server listens on`;
    }
    return `Host ${JSON.stringify(host)} is not allowed (DNS rebinding protection); use an IP address or localhost, or start the server with --allowed-host ${name}`;
  };
}

/** Checks a host name given to --allowed-host; returns why it is unusable, or undefined. */
export function invalidAllowedHost(name: string): string | undefined {
  return /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/.test(name) &&
    name.length <= 253
    ? undefined
    : `--allowed-host must be a DNS name, got ${JSON.stringify(name)}`;
}
