// Where the Envoy v3 protos live and which of them Switchyard loads (shared by the runtime loader and type generator).
import { createRequire } from 'node:module';
import path from 'node:path';

/** Top-level proto files whose messages we produce or consume; their imports come along. */
export const envoyProtoFiles: readonly string[] = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/clusters/aggregate/v3/cluster.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'envoy/extensions/access_loggers/stream/v3/stream.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
  'envoy/config/metrics/v3/metrics_service.proto',
  'envoy/config/trace/v3/opentelemetry.proto',
  'envoy/config/trace/v3/http_tracer.proto',
  'envoy/config/bootstrap/v3/bootstrap.proto',
];

let cachedDirs: readonly string[] | undefined;

/** Include directories of the protos bundled in @grpc/grpc-js-xds (envoy-api, xds, googleapis, validate). */
export function protoIncludeDirs(): readonly string[] {
  if (cachedDirs === undefined) {
    const require = createRequire(import.meta.url);
    const depsDir = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
    cachedDirs = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => path.join(depsDir, d));
  }
  return cachedDirs;
}
