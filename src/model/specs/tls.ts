// TLS shapes: listener certificates and validation, and the client policies of nodes and gateways.
// Virtual nodes and virtual gateways use structurally identical TLS shapes, so both read these.

import { boolean, list, oneOf, required, string, struct, union, type Infer } from '../shape.ts';
import { portShape } from './common.ts';

const filePath = string({ min: 1, max: 255 });
// Secret names and ARNs are unconstrained in the model; an empty one can never resolve.
const nonEmpty = string({ min: 1 });

const fileCertificateShape = struct({
  certificateChain: required(filePath),
  privateKey: required(filePath),
});
const sdsCertificateShape = struct({ secretName: required(nonEmpty) });
const acmCertificateShape = struct({ certificateArn: required(nonEmpty) });

const fileTrustShape = struct({ certificateChain: required(filePath) });
const sdsTrustShape = struct({ secretName: required(nonEmpty) });
const acmTrustShape = struct({
  certificateAuthorityArns: required(list(nonEmpty, { min: 1, max: 3 })),
});

export const subjectAlternativeNamesShape = struct({
  match: required(struct({ exact: required(list(string({ min: 1, max: 254 }))) })),
});
export type SubjectAlternativeNames = Infer<typeof subjectAlternativeNamesShape>;

/** What a client trusts when it originates TLS: ACM CAs, a file bundle or an SDS secret. */
export const tlsValidationContextShape = struct({
  subjectAlternativeNames: subjectAlternativeNamesShape,
  trust: required(union({ acm: acmTrustShape, file: fileTrustShape, sds: sdsTrustShape })),
});
export type TlsValidationContext = Infer<typeof tlsValidationContextShape>;

/** Client TLS policy (backend defaults or per backend); `enforce` defaults to true when omitted. */
export const clientPolicyTlsShape = struct({
  certificate: union({ file: fileCertificateShape, sds: sdsCertificateShape }),
  enforce: boolean(),
  ports: list(portShape),
  validation: required(tlsValidationContextShape),
});
export type ClientPolicyTls = Infer<typeof clientPolicyTlsShape>;

export const clientPolicyShape = struct({ tls: clientPolicyTlsShape });
export type ClientPolicy = Infer<typeof clientPolicyShape>;

export const tlsModeShape = oneOf(['STRICT', 'PERMISSIVE', 'DISABLED'] as const);
export type TlsMode = Infer<typeof tlsModeShape>;

/** Listener TLS; `validation` asks for client certificates (mTLS), and cannot trust ACM. */
export const listenerTlsShape = struct({
  certificate: required(
    union({ acm: acmCertificateShape, file: fileCertificateShape, sds: sdsCertificateShape }),
  ),
  mode: required(tlsModeShape),
  validation: struct({
    subjectAlternativeNames: subjectAlternativeNamesShape,
    trust: required(union({ file: fileTrustShape, sds: sdsTrustShape })),
  }),
});
export type ListenerTls = Infer<typeof listenerTlsShape>;
