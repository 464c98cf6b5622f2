// The proxy's own, immutable listener configuration: what an Envoy Listener decodes into.
import type { RbacFilterConfig } from './rbac-types.ts';
import type { ClusterWeight, RouteTableConfig } from './route-types.ts';
import type { DownstreamTlsConfig } from './tls-types.ts';

export type AccessLogFormat =
  | { readonly kind: 'text'; readonly template: string }
  | { readonly kind: 'json'; readonly fields: Readonly<Record<string, string>> };

export interface AccessLogConfig {
  /** A file path, or `/dev/stdout` / `/dev/stderr` for the stream loggers. */
  readonly path: string;
  readonly format: AccessLogFormat;
}

export type RouteSource =
  | { readonly kind: 'rds'; readonly name: string }
  | { readonly kind: 'inline'; readonly table: RouteTableConfig };

/** Envoy's forward_client_cert_details: what happens to x-forwarded-client-cert on the way to the upstream. */
export type ForwardClientCertMode =
  'SANITIZE' | 'FORWARD_ONLY' | 'APPEND_FORWARD' | 'SANITIZE_SET' | 'ALWAYS_FORWARD_ONLY';

/** set_current_client_cert_details: which client-certificate facts APPEND_FORWARD / SANITIZE_SET write. */
export interface ForwardClientCertConfig {
  readonly mode: ForwardClientCertMode;
  readonly subject: boolean;
  readonly uri: boolean;
  readonly dns: boolean;
  readonly cert: boolean;
  readonly chain: boolean;
}

export interface HttpConnectionManagerConfig {
  readonly kind: 'http';
  readonly statPrefix: string;
  readonly codec: 'AUTO' | 'HTTP1' | 'HTTP2';
  readonly routes: RouteSource;
  /** 0 disables. */
  readonly streamIdleTimeoutMs: number;
  /** 0 disables. */
  readonly requestTimeoutMs: number;
  /** Downstream connection idle timeout (no request or stream in progress); 0 disables. */
  readonly idleTimeoutMs: number;
  /** A request head must be complete this long after its first byte (408 otherwise); 0 disables. */
  readonly requestHeadersTimeoutMs: number;
  /** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS offered to downstream clients. */
  readonly maxConcurrentStreams: number;
  readonly drainTimeoutMs: number;
  /** Drop any port from the Host / :authority before routing (and upstream, and in access logs). */
  readonly stripAnyHostPort: boolean;
  /** Drop the port only when it is the listener's own. */
  readonly stripMatchingHostPort: boolean;
  /** RFC 3986 path normalization before routing (normalize_path); `%2F` is kept (KEEP_UNCHANGED). */
  readonly normalizePath: boolean;
  /** `//` → `/` in the path before routing (merge_slashes). */
  readonly mergeSlashes: boolean;
  /** Fields per request head (common_http_protocol_options.max_headers_count, default 100); more → 431. */
  readonly maxHeadersCount: number;
  readonly forwardClientCert: ForwardClientCertConfig;
  readonly accessLogs: readonly AccessLogConfig[];
  /** RBAC HTTP filters, in order, all before the router; absent when the HCM has none. */
  readonly rbac?: readonly RbacFilterConfig[];
}

export interface TcpProxyConfig {
  readonly kind: 'tcp';
  readonly statPrefix: string;
  readonly clusters: readonly ClusterWeight[];
  readonly totalWeight: number;
  /** 0 disables. */
  readonly idleTimeoutMs: number;
  readonly accessLogs: readonly AccessLogConfig[];
}

export interface ListenerConfig {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly filter: HttpConnectionManagerConfig | TcpProxyConfig;
  readonly accessLogs: readonly AccessLogConfig[];
  /** How long protocol sniffing (HTTP/1.1 or an HTTP/2 preface) may take before the connection closes; 0 disables. */
  readonly listenerFiltersTimeoutMs: number;
  /** Connections held at once; more are closed as they arrive (`downstream_cx_overflow`). */
  readonly maxConnections: number;
  /** TLS the listener terminates (a filter chain with a DownstreamTlsContext); absent: plaintext only. */
  readonly tls?: DownstreamTlsConfig;
}
