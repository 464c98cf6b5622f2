// Sidecar-local adjustments to what the control plane sends: listen address, local ports for TCP backends, an
// extra access log.
import { Violations } from '../config/config-error.ts';
import { decodeAccessLogs } from '../config/decode-access-log.ts';
import { decodeListener } from '../config/decode-listener.ts';
import { deepFreeze } from '../config/duration.ts';
import type { AccessLogConfig, ListenerConfig } from '../config/listener-types.ts';
import type { Decoded, DecodedSnapshot } from '../config/proxy-config.ts';
import { packAny, typeUrls, unpackAny, extensionTypeUrls } from '../../xds/protos/index.ts';
import type { Listener__Output } from '../../xds/protos/index.ts';
import { localHttpBackends } from './local-http-backends.ts';

export interface LocalOverrides {
  /** Bind the inbound listeners on this address instead of the one configured (e.g. a pod IP instead of 0.0.0.0). */
  readonly listenHost?: string;
  /**
   * Bind the listeners only the local app uses (traffic_direction OUTBOUND, and the local backend listeners
   * derived from them) on this address instead of the one configured: the sidecar passes loopback by default.
   */
  readonly outboundHost?: string;
  /** `stdout` or a file path: one more access log on every listener, besides the virtual node's own. */
  readonly accessLog?: string;
  readonly accessLogFormat?: 'text' | 'json';
  /**
   * Backend port → local port. Envoy picks an outbound TCP backend by the intercepted connection's original
   * destination port, which an app without iptables cannot express; each mapping serves the filter chain
   * that matches `backend port` on its own local listener instead.
   */
  readonly backendPorts?: ReadonlyMap<number, number>;
  /** Virtual service authority (`svc:port`) → local port, for HTTP-family backends (local-http-backends.ts). */
  readonly httpBackends?: ReadonlyMap<string, number>;
}

/** Envoy's usual fields, for `--access-log-format json`. */
const jsonFields: Record<string, string> = {
  start_time: '%START_TIME%',
  method: '%REQ(:METHOD)%',
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  protocol: '%PROTOCOL%',
  response_code: '%RESPONSE_CODE%',
  response_flags: '%RESPONSE_FLAGS%',
  bytes_received: '%BYTES_RECEIVED%',
  bytes_sent: '%BYTES_SENT%',
  duration: '%DURATION%',
  upstream_service_time: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
  x_forwarded_for: '%REQ(X-FORWARDED-FOR)%',
  user_agent: '%REQ(USER-AGENT)%',
  request_id: '%REQ(X-REQUEST-ID)%',
  authority: '%REQ(:AUTHORITY)%',
  upstream_host: '%UPSTREAM_HOST%',
  upstream_cluster: '%UPSTREAM_CLUSTER%',
  // Which route answered: a gateway's own 404 (`no_gateway_route`) reads differently from a service's.
  route_name: '%ROUTE_NAME%',
};

/** Builds the access log entry in decoded (`__Output`) form by round-tripping it through a listener. */
function accessLogEntry(target: string, format: 'text' | 'json'): Listener__Output['access_log'][number] {
  const logFormat =
    format === 'json'
      ? {
          json_format: {
            // google.protobuf.Value takes camelCase input (stringValue); snake_case would encode an empty value.
            fields: Object.fromEntries(Object.entries(jsonFields).map(([k, v]) => [k, { stringValue: v }])),
          },
        }
      : undefined;
  const typedConfig =
    target === 'stdout'
      ? packAny(extensionTypeUrls.stdoutAccessLog, logFormat ? { log_format: logFormat } : {})
      : packAny(extensionTypeUrls.fileAccessLog, {
          path: target,
          ...(logFormat ? { log_format: logFormat } : {}),
        });
  const carrier = packAny(typeUrls.listener, {
    name: 'carrier',
    access_log: [{ name: 'switchyard.local_access_log', typed_config: typedConfig }],
  });
  return unpackAny(carrier, typeUrls.listener).access_log[0]!;
}

type DecodedListener = Decoded<Listener__Output, ListenerConfig>;

/**
 * A transform applying the overrides to decoded resources; undefined when there is nothing to override. It
 * works on the decoded values directly and remembers its results, so an unchanged listener yields the same
 * objects on every update and nothing is unpacked or decoded again.
 */
export function localOverrides(
  overrides: LocalOverrides,
): ((snapshot: DecodedSnapshot) => DecodedSnapshot) | undefined {
  const { listenHost, outboundHost, accessLog } = overrides;
  const backendPorts = overrides.backendPorts ?? new Map<number, number>();
  const httpBackends = overrides.httpBackends ?? new Map<string, number>();
  if (
    listenHost === undefined &&
    outboundHost === undefined &&
    accessLog === undefined &&
    backendPorts.size === 0 &&
    httpBackends.size === 0
  ) {
    return undefined;
  }
  const extraLog = accessLog ? accessLogEntry(accessLog, overrides.accessLogFormat ?? 'text') : undefined;
  const extraLogConfig = extraLog ? decodeExtraLog(extraLog) : undefined;
  const adjusted = new WeakMap<ListenerConfig, DecodedListener>();
  const adjust = (d: DecodedListener): DecodedListener => {
    const known = adjusted.get(d.config);
    if (known) return known;
    const l = d.message;
    const sock = l.address?.socket_address;
    const host = l.traffic_direction === 'OUTBOUND' ? (outboundHost ?? listenHost) : listenHost;
    const moved = host !== undefined && l.address && sock;
    const message: Listener__Output = {
      ...l,
      address: moved ? { ...l.address, socket_address: { ...sock, address: host } } : l.address,
      access_log: extraLog ? [...l.access_log, extraLog] : l.access_log,
    };
    const config: ListenerConfig = Object.freeze({
      ...d.config,
      host: moved ? host : d.config.host,
      accessLogs: extraLogConfig ? [...d.config.accessLogs, extraLogConfig] : d.config.accessLogs,
    });
    const out = { message, config };
    adjusted.set(d.config, out);
    return out;
  };
  const derived = new WeakMap<Listener__Output, DecodedListener[]>();
  const backendListeners = (l: Listener__Output): DecodedListener[] => {
    let out = derived.get(l);
    if (!out) derived.set(l, (out = localBackendListeners(l, backendPorts)));
    return out;
  };
  const httpBackendsOf = localHttpBackends(httpBackends);
  return (received) => {
    const snapshot = httpBackendsOf(received);
    return {
      ...snapshot,
      listeners: [
        ...snapshot.listeners,
        ...snapshot.listeners.flatMap((d) => backendListeners(d.message)),
      ].map(adjust),
    };
  };
}

/** The decoded form of the extra access log entry, as decodeListener would render it. */
function decodeExtraLog(entry: Listener__Output['access_log'][number]): AccessLogConfig {
  const v = new Violations();
  const [config] = decodeAccessLogs([entry], 'access_log', v);
  v.throwIfAny('the --access-log setting');
  return deepFreeze(config!);
}

/** The listeners for mapped backend ports that one listener yields: each carries the chain matched on that port. */
function localBackendListeners(
  l: Listener__Output,
  backendPorts: ReadonlyMap<number, number>,
): DecodedListener[] {
  const out: DecodedListener[] = [];
  const sock = l.address?.socket_address;
  if (backendPorts.size === 0 || !l.address || !sock || l.traffic_direction !== 'OUTBOUND') return out;
  for (const chain of l.filter_chains) {
    const port = chain.filter_chain_match?.destination_port?.value;
    const local = port === undefined ? undefined : backendPorts.get(port);
    if (local === undefined) continue;
    const message: Listener__Output = {
      ...l,
      name: `${l.name}_backend_${port}`,
      address: { ...l.address, socket_address: { ...sock, port_value: local } },
      filter_chains: [{ ...chain, filter_chain_match: null }],
      default_filter_chain: null,
    };
    out.push({ message, config: decodeListener(message) });
  }
  return out;
}
