// The built-in CA over HTTP under /switchyard/v1/ca: its roots (no keys), the trust bundle for clients outside
// the mesh, and rotation.

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { certificateArnOf, fingerprintOf } from '../ca/certificate-authority.ts';
import { spiffeIdOf, trustBundleSecretName } from '../xds/translate/workload-identity.ts';
import { RotationRefusedError, type AuthorityView, type MeshCa } from '../ca/mesh-ca.ts';

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
