// What one sidecar runs with: parsed and checked by its caller (the `switchyard proxy` flags), read-only here.
import type { TracingSettings } from '../tracing/index.ts';

/** The virtual node or gateway the sidecar serves. */
export interface SidecarNodeRef {
  readonly meshName: string;
  readonly kind: 'virtualNode' | 'virtualGateway';
  readonly name: string;
}

export interface SidecarSettings {
  readonly node: SidecarNodeRef;
  /** The Envoy node id sent to the control plane: `mesh/<mesh>/virtualNode/<name>` (or `virtualGateway`). */
  readonly nodeId: string;
  /**
   * `host:port` of the control plane's xDS server, IPv6 hosts in brackets; several (replicas) separated by
   * commas, tried in turn when a stream fails.
   */
  readonly xds: string;
  /** Where the admin interface listens; port 0 picks a free one (see `Sidecar.adminPort`). */
  readonly admin: {
    readonly host: string;
    readonly port: number;
    /** Names the admin accepts in the Host header besides IP literals and localhost (DNS rebinding guard). */
    readonly allowedHosts?: readonly string[];
  };
  /** Sent as node metadata; the control plane puts the listeners there. Never 0: peers must know them. */
  readonly inboundPort: number;
  readonly outboundPort: number;
  /** Where the local app listens (node metadata: the inbound clusters point here). */
  readonly appHost: string;
  /**
   * Base URL of the control plane's API, for registration, e.g. `http://127.0.0.1:9080` (no trailing slash);
   * several separated by commas, tried in turn until one answers. Absent: the one the control plane names in its xDS responses, else the `xds` host on port 9080.
   */
  readonly apiUrl?: string;
  /** The address registered for this sidecar's inbound listeners: where peers reach it. */
  readonly registerAddress: string;
  /** Binds the inbound listeners (where peers reach us) here instead of the address the control plane configured. */
  readonly listenHost?: string;
  /**
   * Binds the listeners only the local app should reach (outbound, local backends) here: loopback by default,
   * since an outbound listener open to the network is a forward proxy for anyone with `ALLOW_ALL` egress.
   * Default 127.0.0.1.
   */
  readonly outboundHost?: string;
  /** `stdout` or a file: one more access log on every listener. */
  readonly accessLog?: string;
  readonly accessLogFormat: 'text' | 'json';
  /** How long stop() lets in-flight requests finish. */
  readonly drainMs: number;
  /** TCP backend port → local port. */
  readonly backendPorts: ReadonlyMap<number, number>;
  /** HTTP-family virtual service authority (`svc:port`) → local port. */
  readonly httpBackends: ReadonlyMap<string, number>;
  /**
   * The proxy access token (`switchyard token issue`) presented to the control plane: `authorization: Bearer …`
   * metadata on every xDS stream, the `Authorization` header on registry calls. Never logged.
   */
  readonly accessToken?: string;
  /** Where `accessToken` came from (`--token-file`): read again before every xDS reconnect (rotation). */
  readonly accessTokenFile?: string;
  /** TLS to the xDS server (`--xds-ca`, and `--xds-cert`/`--xds-key` for a client identity), PEM contents. */
  readonly xdsTls?: { readonly ca: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
  /** How often golden metrics are pushed to the control plane (MetricsService on the xDS port); 0: never. */
  readonly metricsIntervalMs?: number;
  /** The user agent version the node reports (the package version). */
  readonly version: string;
  /** Trace HTTP requests and export them over OTLP; absent: tracing is off. */
  readonly tracing?: TracingSettings;
}
