// Envoy extension messages the proxy decodes but the shared Root does not load (TCP proxy, access loggers, upstream HTTP options).
import { envoyRoot } from '../../xds/protos/index.ts';

export const proxyExtensionTypeUrls = {
  tcpProxy: 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
  fileAccessLog: 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
  stdoutAccessLog: 'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
  stderrAccessLog: 'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StderrAccessLog',
  httpProtocolOptions: 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
} as const;

const extensionFiles = [
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'envoy/extensions/access_loggers/stream/v3/stream.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
];

let loaded = false;

/** Adds the extension protos to the shared Root once; idempotent and cheap after the first call. */
export function ensureExtensionProtos(): void {
  if (loaded) return;
  const root = envoyRoot();
  try {
    root.lookupType('envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy');
    root.lookupType('envoy.extensions.upstreams.http.v3.HttpProtocolOptions');
    root.lookupType('envoy.extensions.access_loggers.stream.v3.StdoutAccessLog');
  } catch {
    root.loadSync(extensionFiles, { keepCase: true });
    root.resolveAll();
  }
  loaded = true;
}
