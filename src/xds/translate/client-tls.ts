// TLS a proxy originates to a backend: the client policy that applies to it (per backend over the defaults, or
// the mesh-wide mTLS switch when neither exists) as Envoy's UpstreamTlsContext on the target's cluster.
import type { ClientPolicyTls, Protocol, VirtualNodeSpec } from '../../model/specs/index.ts';
import { extensionTypeUrls } from '../protos/index.ts';
import type { TransportSocket } from '../protos/generated/envoy/config/core/v3/TransportSocket.ts';
import type { UpstreamTlsContext } from '../protos/generated/envoy/extensions/transport_sockets/tls/v3/UpstreamTlsContext.ts';
import type { ListenerOwner } from './listener-tls.ts';
import type { ResolvedTarget } from './service-plan.ts';
import {
  certificateSourceOf,
  exactSanRules,
  tlsTransportSocketName,
  withCertificate,
  withValidation,
  type CommonTlsContext,
  type PeerTrust,
} from './tls-context.ts';
import { packTyped } from './typed-config.ts';
import { meshSpiffePrefix, spiffeIdOf, trustBundleSecretName } from './workload-identity.ts';

/** The client policy TLS of one backend of a node: its own, else the node's backend defaults. */
export function backendClientTls(spec: VirtualNodeSpec, serviceName: string): ClientPolicyTls | undefined {
  const backend = spec.backends?.find((b) => b.virtualService.virtualServiceName === serviceName);
  return backend?.virtualService.clientPolicy?.tls ?? spec.backendDefaults?.clientPolicy?.tls ?? undefined;
}

/** ALPN offered to a target: HTTP/2 for HTTP/2 and gRPC listeners, HTTP/1.1 for HTTP ones, none for TCP. */
export function clientAlpn(protocol: Protocol): string[] {
  if (protocol === 'http2' || protocol === 'grpc') return ['h2'];
  if (protocol === 'http') return ['http/1.1'];
  return [];
}

function specTrust(policy: ClientPolicyTls, warn: (message: string) => void, where: string): PeerTrust {
  const { trust, subjectAlternativeNames } = policy.validation;
  const sans = exactSanRules(subjectAlternativeNames);
  if (trust.file) return { trust: { file: trust.file.certificateChain }, sans };
  if (trust.sds) return { trust: { sds: trust.sds.secretName }, sans };
  const arns = trust.acm!.certificateAuthorityArns;
  if (arns.length > 1) {
    // Envoy takes one validation secret; trusting fewer CAs than written fails closed, never open.
    warn(
      `${where}.validation.trust.acm.certificateAuthorityArns: only the first of ${arns.length} CAs (${arns[0]}) is trusted`,
    );
  }
  return { trust: { sds: arns[0]! }, sans };
}

/**
 * The UpstreamTlsContext for `target` reached through virtual service `service`, or undefined for plaintext:
 * `enforce: false` and a `ports` list without the target's listener port mean plaintext; no policy means the
 * mesh switch (own SPIFFE identity, the trust bundle, peers of this mesh only). `where` names the policy's
 * field path in warnings.
 */
export function upstreamTlsContext(
  policy: ClientPolicyTls | undefined,
  target: ResolvedTarget,
  service: string,
  owner: ListenerOwner,
  warn: (message: string) => void,
  where: string,
): UpstreamTlsContext | undefined {
  const { port, protocol } = target.listener.portMapping;
  let common: CommonTlsContext;
  if (policy) {
    if (policy.enforce === false) return undefined;
    if (policy.ports && policy.ports.length > 0 && !policy.ports.includes(port)) return undefined;
    common = {};
    if (policy.certificate) common = withCertificate(common, certificateSourceOf(policy.certificate));
    common = withValidation(common, specTrust(policy, warn, where));
  } else {
    const { mtls, trustDomain } = owner.security;
    if (mtls === 'off') return undefined;
    common = withCertificate({}, { sds: spiffeIdOf(trustDomain, owner.kind, owner.meshName, owner.name) });
    common = withValidation(common, {
      trust: { sds: trustBundleSecretName(trustDomain) },
      sans: [{ kind: 'prefix', value: meshSpiffePrefix(trustDomain, owner.meshName) }],
    });
  }
  const alpn = clientAlpn(protocol);
  if (alpn.length > 0) common.alpn_protocols = alpn;
  return { sni: service, common_tls_context: common };
}

export function upstreamTransportSocket(context: UpstreamTlsContext): TransportSocket {
  return {
    name: tlsTransportSocketName,
    typed_config: packTyped(extensionTypeUrls.upstreamTlsContext, context),
  };
}
