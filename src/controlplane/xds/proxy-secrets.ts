// The SDS Secrets one proxy receives from the built-in CA: its own identity (certificate and key), the trust
// bundle, and the CA or certificate ARNs its spec names. Never another proxy's key.

import type { Logger } from 'pino';
import type { CaClock, CaTimer } from '../../ca/ca-clock.ts';
import { certificateArnOf } from '../../ca/certificate-authority.ts';
import type { IdentityIssuer, IssuedIdentity } from '../../ca/identity-issuer.ts';
import type { MeshCa } from '../../ca/mesh-ca.ts';
import type { EnvoyResources, MeshState } from '../../xds/translate/index.ts';
import type { Secret } from '../../xds/translate/envoy-types.ts';
import { spiffeIdOf, trustBundleSecretName } from '../../xds/translate/workload-identity.ts';
import type { ProxyIdentity } from './proxy-identity.ts';

export interface ProxySecretsOptions {
  readonly ca: MeshCa;
  readonly issuer: IdentityIssuer;
  readonly clock: CaClock;
  readonly trustDomain: string;
  readonly logger: Logger;
  /** Proxies whose certificate is due for renewal: recompute their snapshots. */
  readonly onRenewalDue: (keys: readonly string[]) => void;
  /** Every mesh's current state, to keep a DNS name another mesh also claims out of certificates. */
  readonly meshStates?: () => Iterable<MeshState>;
}

/** A name a proxy's spec asks SDS for, and where (for the warning when it is not ours). */
interface NameReference {
  readonly name: string;
  readonly path: string;
}

// Spec members whose value is an SDS secret name or an ACM ARN (App Mesh listener and client-policy TLS).
const referenceMembers = new Set(['secretName', 'certificateArn', 'certificateAuthorityArns']);

function referencesIn(value: unknown, path: string, out: NameReference[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => referencesIn(item, `${path}[${index}]`, out));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [member, inner] of Object.entries(value)) {
    const at = path ? `${path}.${member}` : member;
    if (referenceMembers.has(member)) {
      if (typeof inner === 'string') out.push({ name: inner, path: at });
      else if (Array.isArray(inner))
        inner.forEach(
          (item, index) => typeof item === 'string' && out.push({ name: item, path: `${at}[${index}]` }),
        );
    } else referencesIn(inner, at, out);
  }
}

/** SDS names the translated resources reference (tls_certificate_sds_secret_configs and validation contexts). */
function sdsNamesIn(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) sdsNamesIn(item, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  if ('sds_config' in record && typeof record['name'] === 'string') out.add(record['name']);
  for (const inner of Object.values(record)) sdsNamesIn(inner, out);
}

const printableAscii = /^[\x21-\x7e]+$/;

// No wildcard: a hostname is whatever an API caller wrote, and a DNS SAN `*.m.local` would meet every exact SAN
// rule naming a host in m.local, letting one node pass for any other behind a client policy.
const dnsName = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

const weightedTargetsOf = (value: unknown, out: Set<string>): void => {
  if (Array.isArray(value)) for (const item of value) weightedTargetsOf(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const [member, inner] of Object.entries(value)) {
      if (member === 'weightedTargets' && Array.isArray(inner)) {
        for (const target of inner as { virtualNode?: unknown }[])
          if (typeof target.virtualNode === 'string') out.add(target.virtualNode);
      } else weightedTargetsOf(inner, out);
    }
  }
};

// Built once per mesh state (states are rebuilt on change), so a recompute of N proxies is not N scans.
const namesByState = new WeakMap<MeshState, ReadonlyMap<string, readonly string[]>>();

/** DNS SANs of a node: its DNS service-discovery hostname and the virtual services whose traffic reaches it. */
export function dnsNamesOf(state: MeshState, nodeName: string): readonly string[] {
  let byNode = namesByState.get(state);
  if (!byNode) {
    const names = new Map<string, Set<string>>();
    const add = (node: string, name: string) => {
      if (!dnsName.test(name)) return;
      let set = names.get(node);
      if (!set) names.set(node, (set = new Set()));
      set.add(name);
    };
    for (const node of state.virtualNodes.values()) {
      const hostname = node.spec.serviceDiscovery?.dns?.hostname;
      if (hostname) add(node.name, hostname);
    }
    for (const service of state.virtualServices.values()) {
      const provider = service.spec.provider;
      if (provider?.virtualNode) add(provider.virtualNode.virtualNodeName, service.name);
      if (provider?.virtualRouter) {
        const targets = new Set<string>();
        for (const route of state.routes.get(provider.virtualRouter.virtualRouterName) ?? [])
          weightedTargetsOf(route.spec, targets);
        for (const target of targets) add(target, service.name);
      }
    }
    byNode = new Map([...names].map(([node, set]) => [node, [...set].sort()]));
    namesByState.set(state, byNode);
  }
  return byNode.get(nodeName) ?? [];
}

const claimsByState = new WeakMap<MeshState, ReadonlySet<string>>();

/** Every DNS name some node of `state` would be certified for. */
function claimedNames(state: MeshState): ReadonlySet<string> {
  let claimed = claimsByState.get(state);
  if (!claimed) {
    const all = new Set<string>();
    for (const node of state.virtualNodes.values())
      for (const name of dnsNamesOf(state, node.name)) all.add(name);
    claimsByState.set(state, (claimed = all));
  }
  return claimed;
}

/**
 * `names` without those another mesh also claims. One CA signs for every mesh, so a DNS SAN is only a safe
 * identity when a single mesh can have it: otherwise any mesh's writer could name a host or virtual service like
 * another mesh's and get a certificate meeting that mesh's exact DNS SAN rules. A contested name is left out of
 * both meshes' certificates (fails closed; the SPIFFE ID still names each proxy exactly).
 */
export function uncontestedDnsNames(
  names: readonly string[],
  own: MeshState,
  meshStates: Iterable<MeshState>,
): readonly string[] {
  if (names.length === 0) return names;
  const contested = new Set<string>();
  for (const other of meshStates) {
    if (other === own) continue;
    const claimed = claimedNames(other);
    for (const name of names) if (claimed.has(name)) contested.add(name);
  }
  return contested.size === 0 ? names : names.filter((name) => !contested.has(name));
}

interface Served {
  readonly spiffeId: string;
  renewAtMs: number;
}

export class ProxySecrets {
  readonly #options: ProxySecretsOptions;
  readonly #served = new Map<string, Served>();
  /** Warnings already given, per proxy key, so a recompute does not repeat them. */
  readonly #warned = new Map<string, Set<string>>();
  #timer: CaTimer | undefined;
  #timerAtMs = Infinity;

  constructor(options: ProxySecretsOptions) {
    this.#options = options;
  }

  /** The secrets for proxy `key`; none for proxyless gRPC or a proxy whose node or gateway does not exist. */
  secretsFor(
    key: string,
    identity: ProxyIdentity,
    state: MeshState | undefined,
    output: EnvoyResources,
  ): Secret[] {
    const record =
      identity.kind === 'virtualNode'
        ? state?.virtualNodes.get(identity.name)
        : state?.virtualGateways.get(identity.name);
    if (!state || !record || identity.form === 'grpc') {
      this.forget(key);
      return [];
    }
    const { ca, issuer, trustDomain } = this.#options;
    const spiffeId = spiffeIdOf(trustDomain, identity.kind, identity.meshName, identity.name);
    if (!printableAscii.test(spiffeId)) {
      // A URI SAN holds ASCII only; any spelling of this name in a certificate would be some other name. The
      // proxy gets its configuration without an identity: TLS naming it waits, plaintext works.
      this.#options.logger.warn(
        { proxy: `mesh/${identity.meshName}/${identity.kind}/${identity.name}` },
        'no built-in identity: the mesh or proxy name is not printable ASCII, which a SPIFFE ID must be',
      );
      this.forget(key);
      return [];
    }
    const issued = issuer.certificateFor({
      spiffeId,
      commonName: identity.name,
      dnsNames:
        identity.kind === 'virtualNode'
          ? uncontestedDnsNames(dnsNamesOf(state, identity.name), state, this.#options.meshStates?.() ?? [])
          : [],
    });
    this.#schedule(key, spiffeId, issued);
    const bundleName = trustBundleSecretName(trustDomain);
    const identitySecret = (name: string): Secret => ({
      name,
      tls_certificate: {
        certificate_chain: { inline_string: issued.certificateChainPem },
        private_key: { inline_string: issued.privateKeyPem },
      },
    });
    const trustSecret = (name: string, pem: string): Secret => ({
      name,
      validation_context: { trusted_ca: { inline_string: pem } },
    });
    const secrets = [identitySecret(spiffeId), trustSecret(bundleName, ca.trustBundlePem())];
    const references: NameReference[] = [];
    referencesIn(record.spec, 'spec', references);
    const fromOutput = new Set<string>();
    sdsNamesIn([output.listeners, output.clusters], fromOutput);
    for (const name of fromOutput)
      if (!references.some((r) => r.name === name)) references.push({ name, path: 'translated TLS' });
    const ownCertificateArn = certificateArnOf(ca.scope, spiffeId);
    const added = new Set([spiffeId, bundleName]);
    for (const reference of references) {
      if (added.has(reference.name)) continue;
      const authority = ca.byArn(reference.name);
      if (authority) {
        secrets.push(trustSecret(reference.name, authority.trustPem));
      } else if (reference.name === ownCertificateArn) {
        secrets.push(identitySecret(reference.name));
      } else {
        this.#warnOnce(key, reference);
        continue;
      }
      added.add(reference.name);
    }
    return secrets;
  }

  /** Proxy `key` is no longer served: stop renewing its certificate. */
  forget(key: string): void {
    const served = this.#served.get(key);
    this.#served.delete(key);
    this.#warned.delete(key);
    if (served && ![...this.#served.values()].some((s) => s.spiffeId === served.spiffeId))
      this.#options.issuer.forget(served.spiffeId);
  }

  close(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #warnOnce(key: string, reference: NameReference): void {
    let warned = this.#warned.get(key);
    if (!warned) this.#warned.set(key, (warned = new Set()));
    if (warned.has(reference.name)) return;
    warned.add(reference.name);
    this.#options.logger.warn(
      { proxy: key, field: reference.path, name: reference.name },
      'no secret of this name: it is neither this proxy’s SPIFFE ID, the trust bundle, nor an ARN of this CA; the proxy waits for it',
    );
  }

  #schedule(key: string, spiffeId: string, issued: IssuedIdentity): void {
    this.#served.set(key, { spiffeId, renewAtMs: issued.renewAtMs });
    if (issued.renewAtMs < this.#timerAtMs) this.#arm(issued.renewAtMs);
  }

  #arm(atMs: number): void {
    this.#timer?.cancel();
    this.#timerAtMs = atMs;
    const clock = this.#options.clock;
    this.#timer = clock.setTimer(() => this.#fire(), Math.max(0, atMs - clock.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAtMs = Infinity;
    const now = this.#options.clock.now();
    const due = [...this.#served].filter(([, served]) => served.renewAtMs <= now).map(([key]) => key);
    let next = Infinity;
    for (const served of this.#served.values())
      if (served.renewAtMs > now) next = Math.min(next, served.renewAtMs);
    if (next !== Infinity) this.#arm(next);
    if (due.length > 0) this.#options.onRenewalDue(due);
  }
}
