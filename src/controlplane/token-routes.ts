// Proxy tokens over HTTP under /switchyard/v1/tokens: issue one for an existing node, revoke, list revocations.

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import {
  defaultTokenTtlMs,
  TokenRequestError,
  type ProxyTokenAuthority,
} from '../api/auth/proxy-token-authority.ts';
import { nodePath, parseNodeRef } from '../api/auth/proxy-token.ts';
import { ApiError } from '../api/api-error.ts';
import { parseJsonBody } from '../api/request-body.ts';
import { resourceKey } from '../model/resource-key.ts';
import type { Store } from '../store/store.ts';

export const tokensPath = '/switchyard/v1/tokens';

export interface TokenRoutesOptions {
  readonly store: Store;
  /** Absent when authentication is off: there is nothing for a token to pass. */
  readonly authority: ProxyTokenAuthority | undefined;
  readonly logger: Pick<Logger, 'info'>;
}

function refuse(reply: FastifyReply, status: number, type: string, message: string): FastifyReply {
  return reply.status(status).header('x-amzn-errortype', type).send({ message });
}

const iso = (ms: number) => new Date(ms).toISOString();

export function registerTokenRoutes(app: FastifyInstance, options: TokenRoutesOptions): void {
  const authorityOr = (reply: FastifyReply): ProxyTokenAuthority | undefined => {
    if (options.authority) return options.authority;
    refuse(
      reply,
      400,
      'BadRequestException',
      'authentication is off (no --access-file): proxies need no token, and none is issued',
    );
    return undefined;
  };

  app.post(tokensPath, async (request, reply) => {
    const authority = authorityOr(reply);
    if (!authority) return reply;
    let body: Record<string, unknown> | undefined;
    try {
      body = parseJsonBody(request.body);
    } catch (error) {
      if (error instanceof ApiError) return refuse(reply, 400, 'BadRequestException', error.message);
      throw error;
    }
    const unknown = Object.keys(body ?? {}).filter((key) => key !== 'node' && key !== 'ttlSeconds');
    if (unknown.length > 0)
      return refuse(
        reply,
        400,
        'BadRequestException',
        `unknown member ${JSON.stringify(unknown[0])} in the body`,
      );
    const node = typeof body?.['node'] === 'string' ? parseNodeRef(body['node']) : undefined;
    if (!node)
      return refuse(
        reply,
        400,
        'BadRequestException',
        'node must be mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or the App Mesh ARN of one',
      );
    const ttlSeconds = body?.['ttlSeconds'] ?? defaultTokenTtlMs / 1000;
    if (typeof ttlSeconds !== 'number')
      return refuse(reply, 400, 'BadRequestException', 'ttlSeconds must be a number');
    const exists = await options.store.read((tx) => tx.get(resourceKey(node.kind, node.meshName, node.name)));
    if (!exists)
      return refuse(reply, 404, 'NotFoundException', `${nodePath(node)} does not exist: create it first`);
    try {
      const { token, claims } = authority.issue(node, ttlSeconds * 1000, exists.uid);
      // The id and node only: the token itself is in the answer and nowhere else.
      options.logger.info(
        { tokenId: claims.id, node: nodePath(node), expiresAt: iso(claims.expiresAtMs) },
        'proxy token issued',
      );
      return reply
        .status(201)
        .send({ token, id: claims.id, node: nodePath(node), expiresAt: iso(claims.expiresAtMs) });
    } catch (error) {
      if (error instanceof TokenRequestError) return refuse(reply, 400, 'BadRequestException', error.message);
      throw error;
    }
  });

  app.delete<{ Params: { id: string } }>(`${tokensPath}/:id`, async (request, reply) => {
    const authority = authorityOr(reply);
    if (!authority) return reply;
    try {
      const revocation = await authority.revoke(request.params.id);
      options.logger.info({ tokenId: revocation.tokenId }, 'proxy token revoked');
      return {
        id: revocation.tokenId,
        revokedAt: iso(revocation.revokedAtMs),
        expiresAt: iso(revocation.expiresAtMs),
      };
    } catch (error) {
      if (error instanceof TokenRequestError) return refuse(reply, 400, 'BadRequestException', error.message);
      throw error;
    }
  });

  app.get(`${tokensPath}/revocations`, async (_request, reply) => {
    const authority = authorityOr(reply);
    if (!authority) return reply;
    return {
      revocations: authority.revocations().map((revocation) => ({
        id: revocation.tokenId,
        revokedAt: iso(revocation.revokedAtMs),
        expiresAt: iso(revocation.expiresAtMs),
      })),
    };
  });
}
