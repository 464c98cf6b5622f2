// The SPIFFE identity of a proxy and the SDS names of built-in certificates (the contract between translation,
// the control plane's CA and the proxy: docs/tls.md).

export const defaultTrustDomain = 'switchyard.local';

/** `spiffe://<trust-domain>/mesh/<mesh>/virtualNode/<name>` (or `/virtualGateway/<name>`): also its SDS name. */
export function spiffeIdOf(
  trustDomain: string,
  meshName: string,
  kind: 'virtualNode' | 'virtualGateway',
  name: string,
): string {
  return `spiffe://${trustDomain}/mesh/${meshName}/${kind}/${name}`;
}

/** The SDS name of the mesh trust bundle (the CA's roots): `spiffe://<trust-domain>`. */
export function trustBundleNameOf(trustDomain: string): string {
  return `spiffe://${trustDomain}`;
}
