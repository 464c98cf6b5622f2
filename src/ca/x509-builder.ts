// Builds and signs X.509 v3 certificates (CA roots and workload leaves) with pkijs for the structure and
// node:crypto for keys and signatures, synchronously: issuance happens inside snapshot computation.

import { isIPv4, isIPv6 } from 'node:net';
import { createHash, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
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
  /** IPv4 or IPv6 literals (iPAddress SANs), e.g. for a server reached by address. */
  readonly ipAddresses?: readonly string[];
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

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bit string (for EC keys, the uncompressed point). */
function keyIdentifierOf(publicKey: KeyObject): ArrayBuffer {
  let bits: Uint8Array;
  if (publicKey.asymmetricKeyType === 'ec') {
    const jwk = publicKey.export({ format: 'jwk' });
    bits = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x!, 'base64url'),
      Buffer.from(jwk.y!, 'base64url'),
    ]);
  } else {
    // Rare (an operator's RSA CA, once per start): let pkijs find the bit string.
    const spki = pkijs.PublicKeyInfo.fromBER(publicKey.export({ type: 'spki', format: 'der' }));
    bits = new Uint8Array(spki.subjectPublicKey.valueBlock.valueHexView);
  }
  const digest = createHash('sha1').update(bits).digest();
  return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength);
}

interface IssuerFacts {
  readonly subjectDer: ArrayBuffer;
  readonly keyIdentifier: ArrayBuffer;
}

// Decoding with pkijs costs milliseconds, so an issuer (one of a few roots) is decoded once.
const issuerCache = new Map<string, IssuerFacts>();
const maxCachedIssuers = 16;

function issuerFacts(certificateDer: Uint8Array): IssuerFacts {
  const key = createHash('sha256').update(certificateDer).digest('base64');
  const cached = issuerCache.get(key);
  if (cached) return cached;
  const parsed = pkijs.Certificate.fromBER(certificateDer);
  const publicKey = createPublicKey({
    key: Buffer.from(parsed.subjectPublicKeyInfo.toSchema().toBER(false)),
    format: 'der',
    type: 'spki',
  });
  const facts = {
    subjectDer: parsed.subject.toSchema().toBER(false),
    keyIdentifier: keyIdentifierOf(publicKey),
  };
  if (issuerCache.size >= maxCachedIssuers) issuerCache.delete(issuerCache.keys().next().value!);
  issuerCache.set(key, facts);
  return facts;
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

/**
 * Issues `request` signed by `signer` (self-signed when the signer has no certificate); returns the DER. The
 * structure is assembled from asn1js blocks with the key and issuer name embedded as DER, since decoding them
 * with pkijs on every issuance cost about 20 ms (measured) where this costs well under one.
 */

/** A SAN's bytes: printable ASCII, as IA5String holds. */
export class SanEncodingError extends Error {
  override name = 'SanEncodingError';
}

/**
 * Encodes a URI or DNS SAN. Node's 'ascii' encoding keeps only the low byte of each character, so "\u0161dmin"
 * would be signed as "admin": a name outside printable ASCII is refused, never written as another name.
 */
function ia5(value: string): Buffer {
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new SanEncodingError(`subject alternative name ${JSON.stringify(value)} is not printable ASCII`);
  }
  return Buffer.from(value, 'ascii');
}

export function buildCertificate(request: CertificateRequest, signer: Signer): Uint8Array {
  const algorithm = signatureAlgorithmOf(signer.privateKey);
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const subjectDer = name(request.commonName).toSchema().toBER(false);
  const ownKeyId = keyIdentifierOf(request.publicKey);
  const issuer = signer.certificateDer
    ? issuerFacts(signer.certificateDer)
    : { subjectDer, keyIdentifier: ownKeyId };
  const extensions = [
    extension(oids.basicConstraints, true, request.isCa ? fixedDer.caTrue : fixedDer.caFalse),
    extension(oids.keyUsage, true, request.isCa ? fixedDer.caKeyUsage : fixedDer.leafKeyUsage),
    extension(oids.subjectKeyIdentifier, false, tlv(tags.octetString, new Uint8Array(ownKeyId))),
    extension(
      oids.authorityKeyIdentifier,
      false,
      tlv(tags.sequence, tlv(tags.implicit0, new Uint8Array(issuer.keyIdentifier))),
    ),
  ];
  if (!request.isCa) extensions.push(extension(oids.extKeyUsage, false, fixedDer.serverAndClientAuth));
  const altNames = [
    ...(request.uris ?? []).map((uri) => tlv(tags.uriName, ia5(uri))),
    ...(request.dnsNames ?? []).map((dns) => tlv(tags.dnsName, ia5(dns))),
    ...(request.ipAddresses ?? []).map((ip) => tlv(tags.ipAddress, ipBytes(ip))),
  ];
  if (altNames.length > 0)
    extensions.push(extension(oids.subjectAltName, false, tlv(tags.sequence, ...altNames)));
  const algorithmIdentifier = () =>
    new pkijs.AlgorithmIdentifier({
      algorithmId: algorithm.oid,
      ...(algorithm.params ? { algorithmParams: algorithm.params } : {}),
    }).toSchema();
  const tbsDer = tlv(
    tags.sequence,
    tlv(tags.explicit0, encoded(new asn1js.Integer({ value: 2 }))),
    encoded(new asn1js.Integer({ valueHex: serial })),
    encoded(algorithmIdentifier()),
    new Uint8Array(issuer.subjectDer),
    tlv(
      tags.sequence,
      encoded(time(request.notBeforeMs).toSchema()),
      encoded(time(request.notAfterMs).toSchema()),
    ),
    new Uint8Array(subjectDer),
    request.publicKey.export({ type: 'spki', format: 'der' }),
    tlv(tags.explicit3, tlv(tags.sequence, ...extensions)),
  );
  // node:crypto returns ECDSA signatures DER-encoded, which is what X.509's signatureValue holds.
  const signature = sign('sha256', tbsDer, signer.privateKey);
  return tlv(
    tags.sequence,
    tbsDer,
    encoded(algorithmIdentifier()),
    encoded(new asn1js.BitString({ valueHex: signature })),
  );
}

const tags = {
  boolean: 0x01,
  octetString: 0x04,
  sequence: 0x30,
  explicit0: 0xa0,
  explicit3: 0xa3,
  implicit0: 0x80,
  dnsName: 0x82,
  uriName: 0x86,
  ipAddress: 0x87,
};

/** The 4 or 16 bytes of an IP literal; anything else is refused, never written as another address. */
function ipBytes(ip: string): Uint8Array {
  if (isIPv4(ip)) return new Uint8Array(ip.split('.').map(Number));
  if (!isIPv6(ip)) throw new SanEncodingError(`IP address SAN ${JSON.stringify(ip)} is not an IP address`);
  let text = ip.replace(/%.*$/, '');
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...tailGroups];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return new Uint8Array(bytes);
}

// Extension values that never vary, encoded once.
const fixedDer = {
  caTrue: encoded(new pkijs.BasicConstraints({ cA: true }).toSchema()),
  caFalse: encoded(new pkijs.BasicConstraints({ cA: false }).toSchema()),
  caKeyUsage: encoded(keyUsageBits(true)),
  leafKeyUsage: encoded(keyUsageBits(false)),
  serverAndClientAuth: encoded(
    new pkijs.ExtKeyUsage({ keyPurposes: [oids.serverAuth, oids.clientAuth] }).toSchema(),
  ),
};

const oidDer = new Map<string, Uint8Array>();

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  let id = oidDer.get(oid);
  if (!id) oidDer.set(oid, (id = encoded(new asn1js.ObjectIdentifier({ value: oid }))));
  return tlv(
    tags.sequence,
    id,
    ...(critical ? [tlv(tags.boolean, new Uint8Array([0xff]))] : []),
    tlv(tags.octetString, value),
  );
}

function encoded(block: { toBER(sizeOnly?: boolean): ArrayBuffer }): Uint8Array {
  return new Uint8Array(block.toBER(false));
}

/** A DER tag-length-value with definite length (the outer structures, around already-encoded parts). */
function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(contents);
  const n = body.length;
  const length =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return new Uint8Array(Buffer.concat([Buffer.from([tag, ...length]), body]));
}

export function derToPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}
