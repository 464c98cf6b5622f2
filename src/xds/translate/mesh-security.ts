// The control plane's mesh-wide TLS settings translation reads: the mTLS-by-default switch and the trust domain
// the built-in identities live in.
import { defaultTrustDomain } from './workload-identity.ts';

/** off: only what specs write. permissive/strict: every listener and client without its own TLS gets mTLS. */
export type MeshMtlsMode = 'off' | 'permissive' | 'strict';

export const meshMtlsModes: readonly MeshMtlsMode[] = ['off', 'permissive', 'strict'];

export interface MeshSecurity {
  readonly mtls: MeshMtlsMode;
  readonly trustDomain: string;
}

export const defaultMeshSecurity: MeshSecurity = Object.freeze({
  mtls: 'off',
  trustDomain: defaultTrustDomain,
});
