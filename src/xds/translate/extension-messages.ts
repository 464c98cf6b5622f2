// Envoy extensions the sidecar form embeds (tcp_proxy, file access log) that src/xds/protos does not load yet:
// their type URLs, input shapes, and packing into Any. Remove the loader once envoyProtoFiles lists them.
import { envoyRoot, packAny, type PackedAny } from '../protos/index.ts';
import type { AccessLog, Duration, SubstitutionFormatString } from './envoy-types.ts';

export const tcpProxyTypeUrl = 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
export const fileAccessLogTypeUrl =
  'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog';

const extensionFiles: Readonly<Record<string, string>> = {
  [tcpProxyTypeUrl]: 'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  [fileAccessLogTypeUrl]: 'envoy/extensions/access_loggers/file/v3/file.proto',
};

/** envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, the fields we set. */
export interface TcpProxy {
  stat_prefix: string;
  cluster?: string;
  weighted_clusters?: { clusters: { name: string; weight: number }[] };
  idle_timeout?: Duration;
  access_log?: AccessLog[];
}

/** envoy.extensions.access_loggers.file.v3.FileAccessLog, the fields we set. */
export interface FileAccessLog {
  path: string;
  log_format?: SubstitutionFormatString;
}

export interface ExtensionMessages {
  [tcpProxyTypeUrl]: TcpProxy;
  [fileAccessLogTypeUrl]: FileAccessLog;
}

/** Type URL → true, for telling extension URLs apart at run time. */
export const extensionMessageUrls: Readonly<Record<string, true>> = {
  [tcpProxyTypeUrl]: true,
  [fileAccessLogTypeUrl]: true,
};

const loaded = new Set<string>();

/** Makes sure the proto defining `typeUrl` is in the shared Envoy Root (idempotent, once per process). */
export function ensureExtensionLoaded(typeUrl: keyof ExtensionMessages): void {
  if (loaded.has(typeUrl)) return;
  const root = envoyRoot();
  const messageName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  if (root.lookup(messageName) === null) {
    root.loadSync(extensionFiles[typeUrl]!, { keepCase: true });
    root.resolveAll();
  }
  loaded.add(typeUrl);
}

/** Packs one of these extension messages into an Any. */
export function packExtension<U extends keyof ExtensionMessages>(
  typeUrl: U,
  message: ExtensionMessages[U],
): PackedAny {
  ensureExtensionLoaded(typeUrl);
  return packAny(typeUrl, message);
}
