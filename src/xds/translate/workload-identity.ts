// The SPIFFE names of the mesh's built-in identities: a proxy's own certificate secret and the trust bundle
// secret, the two SDS names the control plane serves (its CA issues what these names promise).

/** What a proxy is, as the path of its SPIFFE ID spells it. */
export type WorkloadKind = 'virtualNode' | 'virtualGateway';

export const defaultTrustDomain = 'switchyard.local';

/** `spiffe://<trustDomain>/mesh/<mesh>/<kind>/<name>`: the SAN URI and the SDS name of a proxy's identity. */
export function spiffeIdOf(trustDomain: string, kind: WorkloadKind, meshName: string, name: string): string {
  return `${meshSpiffePrefix(trustDomain, meshName)}${kind}/${name}`;
}

/** What every identity of one mesh starts with; a SAN prefix rule admits exactly that mesh's proxies. */
export function meshSpiffePrefix(trustDomain: string, meshName: string): string {
  return `spiffe://${trustDomain}/mesh/${meshName}/`;
}

/** `spiffe://<trustDomain>`: the SDS name of the CA bundle (the CA's roots, old and new while rotating). */
export function trustBundleSecretName(trustDomain: string): string {
  return `spiffe://${trustDomain}`;
}

/**
 * Why `value` cannot be a trust domain, or undefined when it can: the SPIFFE rule (lowercase letters, digits,
 * dots, dashes and underscores, at most 255 characters), so every ID built from it is a valid URI SAN.
 */
export function trustDomainProblem(value: string): string | undefined {
  if (value.length === 0 || value.length > 255) return 'must be 1 to 255 characters';
  if (!/^[a-z0-9._-]+$/.test(value)) {
    return 'may hold only lowercase letters, digits, ".", "-" and "_" (SPIFFE trust domain)';
  }
  return undefined;
}
