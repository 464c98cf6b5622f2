// The built-in CA over HTTP under /switchyard/v1/ca: its roots (no keys), the trust bundle for clients outside
// the mesh, and rotation.

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { certificateArnOf, fingerprintOf } from '../ca/certificate-authority.ts';
import { spiffeIdOf, trustBundleSecretName } from '../xds/translate/workload-identity.ts';
import { RotationRefusedError, type AuthorityView, type MeshCa } from '../ca/mesh-ca.ts';
import { SanEncodingError } from '../ca/x509-builder.ts';
import { nodePath, parseNodeRef } from '../api/auth/proxy-token.ts';
import { issueLeaf } from './xds/xds-tls.ts';
import { parseJsonBody } from '../api/request-body.ts';

export interface CaRoutesOptions {
  readonly trustDomain: string;
  readonly certTtlMs: number;
  readonly logger: Logger;
}

/** One root as the API shows it: never its key. */
export interface AuthorityDescription {
  readonly arn: string;
  readonly source: 'built-in' | 'operator';
  readonly state: string;
  readonly subject: string;
  readonly fingerprintSha256: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly signsFrom: string;
}

export function describeAuthority({ authority, state }: AuthorityView): AuthorityDescription {
  const certificate = authority.certificate;
  return {
    arn: authority.arn,
    source: authority.source,
    state,
    subject: certificate.subject.replace(/\n/g, ', '),
    fingerprintSha256: fingerprintOf(certificate),
    notBefore: new Date(certificate.validFrom).toISOString(),
    notAfter: new Date(certificate.validTo).toISOString(),
    signsFrom: new Date(authority.activatesAtMs).toISOString(),
  };
}

export function registerCaRoutes(app: FastifyInstance, ca: MeshCa, options: CaRoutesOptions): void {
  const describe = () => ({
    trustDomain: options.trustDomain,
    certTtlSeconds: Math.round(options.certTtlMs / 1000),
    authorities: ca.views().map(describeAuthority),
    trustBundlePem: ca.trustBundlePem(),
  });
  app.get('/switchyard/v1/ca', async () => describe());
  app.get('/switchyard/v1/ca/bundle.pem', async (_request, reply) =>
    reply.header('content-type', 'application/x-pem-file').send(ca.trustBundlePem()),
  );
  // The names an App Mesh spec uses for a workload's built-in identity (sds secretName or acm certificateArn).
  app.get<{ Params: { mesh: string; kind: string; name: string } }>(
    '/switchyard/v1/ca/identities/:mesh/:kind/:name',
    async (request, reply) => {
      const { mesh, kind, name } = request.params;
      if (kind !== 'virtualNode' && kind !== 'virtualGateway') {
        return reply
          .status(400)
          .header('x-amzn-errortype', 'BadRequestException')
          .send({ message: `kind must be virtualNode or virtualGateway, got ${JSON.stringify(kind)}` });
      }
      const spiffeId = spiffeIdOf(options.trustDomain, kind, mesh, name);
      return {
        spiffeId,
        certificateArn: certificateArnOf(ca.scope, spiffeId),
        trustBundleName: trustBundleSecretName(options.trustDomain),
        certificateAuthorityArn: ca.signer().arn,
      };
    },
  );
  // A client certificate for a proxy outside the mesh's SDS (e.g. for `--xds-cert`): a fresh key each call.
  app.post('/switchyard/v1/ca/certificates', async (request, reply) => {
    const text = parseJsonBody(request.body)?.node;
    const node = typeof text === 'string' ? parseNodeRef(text) : undefined;
    const badRequest = (message: string) =>
      reply.status(400).header('x-amzn-errortype', 'BadRequestException').send({ message });
    if (node === undefined)
      return badRequest(
        'node must be mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or the resource ARN',
      );
    const spiffeId = spiffeIdOf(options.trustDomain, node.kind, node.meshName, node.name);
    let leaf;
    try {
      leaf = issueLeaf(ca, Date.now(), { commonName: node.name, uris: [spiffeId] });
    } catch (error) {
      if (error instanceof SanEncodingError) return badRequest(error.message);
      throw error;
    }
    options.logger.info(
      { spiffeId, notAfter: new Date(leaf.notAfterMs).toISOString() },
      'client certificate issued',
    );
    return {
      node: nodePath(node),
      spiffeId,
      notAfter: new Date(leaf.notAfterMs).toISOString(),
      certificateChainPem: leaf.certificateChainPem,
      privateKeyPem: leaf.privateKeyPem,
      trustBundlePem: ca.trustBundlePem(),
    };
  });
  app.post('/switchyard/v1/ca/rotate', async (_request, reply) => {
    try {
      const authority = await ca.rotate();
      options.logger.info({ arn: authority.arn }, 'certificate authority rotated: a new root is trusted');
      return describe();
    } catch (error) {
      if (!(error instanceof RotationRefusedError)) throw error;
      return reply
        .status(409)
        .header('x-amzn-errortype', 'ConflictException')
        .send({ message: error.message });
    }
  });
}
