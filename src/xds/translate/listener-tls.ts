// TLS a listener terminates: App Mesh's listener `tls` (or, without one, the mesh-wide mTLS switch) as Envoy's
// DownstreamTlsContext on filter chains told apart by transport protocol: STRICT has only the TLS chain,
// PERMISSIVE also a plaintext chain with the same filters, DISABLED stays plaintext.
import type { ListenerTls, Protocol } from '../../model/specs/index.ts';
import { extensionTypeUrls } from '../protos/index.ts';
import type { DownstreamTlsContext } from '../protos/generated/envoy/extensions/transport_sockets/tls/v3/DownstreamTlsContext.ts';
import type { ListenerFilter } from '../protos/generated/envoy/config/listener/v3/ListenerFilter.ts';
import type { FilterChain } from './envoy-types.ts';
import type { MeshSecurity } from './mesh-security.ts';
import {
  certificateSourceOf,
  exactSanRules,
  tlsTransportSocketName,
  withCertificate,
  withValidation,
  type CommonTlsContext,
} from './tls-context.ts';
import { packTyped } from './typed-config.ts';
import {
  meshSpiffePrefix,
  spiffeIdOf,
  trustBundleSecretName,
  type WorkloadKind,
} from './workload-identity.ts';

/** The proxy whose listener this is: its built-in identity serves the mesh-wide mTLS switch. */
export interface ListenerOwner {
  readonly security: MeshSecurity;
  readonly kind: WorkloadKind;
  readonly meshName: string;
  readonly name: string;
}

export interface ListenerTlsPlan {
  readonly mode: 'STRICT' | 'PERMISSIVE';
  readonly context: DownstreamTlsContext;
  /** Whether the plan comes from the mesh-wide switch rather than the listener's own `tls`. */
  readonly fromMesh: boolean;
}

/**
 * ALPN a listener offers: HTTP listeners take HTTP/2 or HTTP/1.1 (Envoy's codec picks by ALPN), HTTP/2 and
 * gRPC listeners HTTP/2 only; a TCP listener offers none, its bytes are not ours to name.
 */
export function listenerAlpn(protocol: Protocol): string[] {
  if (protocol === 'http') return ['h2', 'http/1.1'];
  if (protocol === 'http2' || protocol === 'grpc') return ['h2'];
  return [];
}

function withAlpn(context: CommonTlsContext, alpn: readonly string[]): CommonTlsContext {
  return alpn.length > 0 ? { ...context, alpn_protocols: [...alpn] } : context;
}

function fromSpec(tls: ListenerTls, protocol: Protocol): DownstreamTlsContext {
  let common = withCertificate({}, certificateSourceOf(tls.certificate));
  const validation = tls.validation;
  if (validation) {
    const trust = validation.trust.file
      ? { file: validation.trust.file.certificateChain }
      : { sds: validation.trust.sds!.secretName };
    common = withValidation(common, { trust, sans: exactSanRules(validation.subjectAlternativeNames) });
  }
  const context: DownstreamTlsContext = { common_tls_context: withAlpn(common, listenerAlpn(protocol)) };
  if (validation) context.require_client_certificate = { value: true };
  return context;
}

/** Mesh mTLS: the proxy's own SPIFFE identity, clients verified by the trust bundle and limited to this mesh. */
function fromMesh(owner: ListenerOwner, protocol: Protocol): DownstreamTlsContext {
  const { trustDomain } = owner.security;
  let common = withCertificate({}, { sds: spiffeIdOf(trustDomain, owner.kind, owner.meshName, owner.name) });
  common = withValidation(common, {
    trust: { sds: trustBundleSecretName(trustDomain) },
    sans: [{ kind: 'prefix', value: meshSpiffePrefix(trustDomain, owner.meshName) }],
  });
  return {
    common_tls_context: withAlpn(common, listenerAlpn(protocol)),
    require_client_certificate: { value: true },
  };
}

/**
 * What TLS a listener terminates; undefined means plaintext. A listener's own `tls` wins (DISABLED included);
 * without one the mesh switch applies when `meshDefault` allows it (ingress gateway listeners face clients
 * outside the mesh, which hold no mesh identity).
 */
export function listenerTlsPlan(
  tls: ListenerTls | null | undefined,
  protocol: Protocol,
  owner: ListenerOwner,
  meshDefault: boolean,
): ListenerTlsPlan | undefined {
  if (tls) {
    if (tls.mode === 'DISABLED') return undefined;
    return { mode: tls.mode, context: fromSpec(tls, protocol), fromMesh: false };
  }
  if (!meshDefault || owner.security.mtls === 'off') return undefined;
  return {
    mode: owner.security.mtls === 'strict' ? 'STRICT' : 'PERMISSIVE',
    context: fromMesh(owner, protocol),
    fromMesh: true,
  };
}

/** The listener filter that reads the ClientHello, so chains can match on `transport_protocol`. */
export function tlsInspectorFilter(): ListenerFilter {
  return {
    name: 'envoy.filters.listener.tls_inspector',
    typed_config: packTyped(extensionTypeUrls.tlsInspector, {}),
  };
}

/**
 * `chain` as the plan wants it: unchanged without TLS; with it a TLS chain, and for PERMISSIVE a plaintext chain
 * after it carrying the same filters (Envoy picks by the transport protocol the inspector saw).
 */
export function tlsFilterChains(chain: FilterChain, plan: ListenerTlsPlan | undefined): FilterChain[] {
  if (!plan) return [chain];
  const match = chain.filter_chain_match ?? {};
  const secured: FilterChain = {
    ...chain,
    filter_chain_match: { ...match, transport_protocol: 'tls' },
    transport_socket: {
      name: tlsTransportSocketName,
      typed_config: packTyped(extensionTypeUrls.downstreamTlsContext, plan.context),
    },
  };
  if (plan.mode === 'STRICT') return [secured];
  const plain: FilterChain = {
    ...chain,
    name: `${chain.name ?? 'chain'}_plaintext`,
    filter_chain_match: { ...match, transport_protocol: 'raw_buffer' },
  };
  return [secured, plain];
}
