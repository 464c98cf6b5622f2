// Builds and signs X.509 v3 certificates (CA roots and workload leaves) with pkijs for the structure and
// node:crypto for keys and signatures, synchronously: issuance happens inside snapshot computation.

import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const oids = {
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

/** What signs a certificate: its key, and (for a leaf) the issuing certificate's DER. */
export interface Signer {
  readonly privateKey: KeyObject;
  /** DER of the issuer's certificate; absent for a self-signed root. */
  readonly certificateDer?: Uint8Array;
}

export interface CertificateRequest {
  readonly commonName: string;
  readonly publicKey: KeyObject;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly isCa: boolean;
  readonly uris?: readonly string[];
  readonly dnsNames?: readonly string[];
}

export class UnsupportedKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedKeyError';
  }
}

/** A subject of one CN (pkijs would put further attributes into the same RDN set). */
function name(commonName: string): pkijs.RelativeDistinguishedNames {
  const cn = new pkijs.AttributeTypeAndValue({
    type: oids.commonName,
    value: new asn1js.Utf8String({ value: commonName }),
  });
  return new pkijs.RelativeDistinguishedNames({ typesAndValues: [cn] });
}

/** UTCTime up to 2049, GeneralizedTime after, as RFC 5280 requires. */
function time(ms: number): pkijs.Time {
  const value = new Date(Math.floor(ms / 1000) * 1000);
  return new pkijs.Time({ type: value.getUTCFullYear() < 2050 ? 0 : 1, value });
}

function extension(extnID: string, critical: boolean, value: asn1js.BaseBlock): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bit string. */
function keyIdentifier(spki: pkijs.PublicKeyInfo): ArrayBuffer {
  const bits = new Uint8Array(spki.subjectPublicKey.valueBlock.valueHexView);
  const digest = createHash('sha1').update(bits).digest();
  return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength);
}

function signatureAlgorithmOf(key: KeyObject): { oid: string; params?: asn1js.BaseBlock } {
  if (key.asymmetricKeyType === 'ec') return { oid: oids.ecdsaWithSha256 };
  if (key.asymmetricKeyType === 'rsa') return { oid: oids.sha256WithRsa, params: new asn1js.Null() };
  throw new UnsupportedKeyError(
    `a CA key of type ${key.asymmetricKeyType ?? 'unknown'} cannot sign here: use an EC or RSA key`,
  );
}

function keyUsageBits(isCa: boolean): asn1js.BitString {
  // Bit 0 (digitalSignature) is the byte's top bit; keyCertSign is bit 5, cRLSign bit 6.
  const byte = isCa ? 0x06 : 0x80;
  return new asn1js.BitString({ valueHex: new Uint8Array([byte]).buffer, unusedBits: isCa ? 1 : 7 });
}

/** Issues `request` signed by `signer` (self-signed when the signer has no certificate); returns the DER. */
export function buildCertificate(request: CertificateRequest, signer: Signer): Uint8Array {
  const algorithm = signatureAlgorithmOf(signer.privateKey);
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  certificate.serialNumber = new asn1js.Integer({ valueHex: serial });
  certificate.subject = name(request.commonName);
  const issuerCert = signer.certificateDer ? pkijs.Certificate.fromBER(signer.certificateDer) : undefined;
  certificate.issuer = issuerCert ? issuerCert.subject : name(request.commonName);
  certificate.notBefore = time(request.notBeforeMs);
  certificate.notAfter = time(request.notAfterMs);
  certificate.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(
    request.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const ownKeyId = keyIdentifier(certificate.subjectPublicKeyInfo);
  const issuerKeyId = issuerCert ? keyIdentifier(issuerCert.subjectPublicKeyInfo) : ownKeyId;
  const extensions = [
    extension(oids.basicConstraints, true, new pkijs.BasicConstraints({ cA: request.isCa }).toSchema()),
    extension(oids.keyUsage, true, keyUsageBits(request.isCa)),
    extension(oids.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: ownKeyId })),
    extension(
      oids.authorityKeyIdentifier,
      false,
      new pkijs.AuthorityKeyIdentifier({
        keyIdentifier: new asn1js.OctetString({ valueHex: issuerKeyId }),
      }).toSchema(),
    ),
  ];
  if (!request.isCa) {
    extensions.push(
      extension(
        oids.extKeyUsage,
        false,
        new pkijs.ExtKeyUsage({ keyPurposes: [oids.serverAuth, oids.clientAuth] }).toSchema(),
      ),
    );
  }
  const altNames = [
    ...(request.uris ?? []).map((value) => new pkijs.GeneralName({ type: 6, value })),
    ...(request.dnsNames ?? []).map((value) => new pkijs.GeneralName({ type: 2, value })),
  ];
  if (altNames.length > 0) {
    extensions.push(
      extension(oids.subjectAltName, false, new pkijs.GeneralNames({ names: altNames }).toSchema()),
    );
  }
  certificate.extensions = extensions;
  const algorithmIdentifier = new pkijs.AlgorithmIdentifier({
    algorithmId: algorithm.oid,
    ...(algorithm.params ? { algorithmParams: algorithm.params } : {}),
  });
  certificate.signature = algorithmIdentifier;
  certificate.signatureAlgorithm = algorithmIdentifier;
  const tbs = new Uint8Array(certificate.encodeTBS().toBER(false));
  certificate.tbsView = tbs;
  // node:crypto returns ECDSA signatures DER-encoded, which is what X.509's signatureValue holds.
  const signature = sign('sha256', tbs, signer.privateKey);
  certificate.signatureValue = new asn1js.BitString({ valueHex: signature });
  return new Uint8Array(certificate.toSchema(false).toBER(false));
}

export function derToPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}
