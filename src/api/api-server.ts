// The App Mesh REST API over HTTP (restJson1, /v20190125/...), on fastify.

import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { createHostCheck } from '../util/host-check.ts';
import type { ApiContext } from './api-context.ts';
import type { ApiAccess } from './auth/api-access.ts';
import { installAccessHooks } from './auth/access-hooks.ts';
import type { ProxyAccess } from './auth/proxy-access.ts';
import { ApiError, notFound } from './api-error.ts';
import { errorBody, errorHeaders, maxBodyBytes, toApiError } from './error-answer.ts';
import { routeOperation } from './operation-router.ts';
import { parseJsonBody } from './request-body.ts';
import { handleResourceOperation } from './resource-handlers.ts';
import { handleTagOperation } from './tag-handlers.ts';

const methods = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'] as const;

function splitUrl(rawUrl: string): { path: string; query: URLSearchParams } {
  const mark = rawUrl.indexOf('?');
  return mark === -1
    ? { path: rawUrl, query: new URLSearchParams() }
    : { path: rawUrl.slice(0, mark), query: new URLSearchParams(rawUrl.slice(mark + 1)) };
}

async function serve(ctx: ApiContext, request: FastifyRequest): Promise<unknown> {
  const { path, query } = splitUrl(request.raw.url ?? '/');
  const operation = routeOperation(request.method, path);
  const body = request.method === 'PUT' ? parseJsonBody(request.body) : undefined;
  return 'kind' in operation
    ? handleResourceOperation(ctx, operation, query, body)
    : handleTagOperation(ctx, operation, query, body);
}

function sendError(ctx: ApiContext, error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { apiError, unexpected } = toApiError(error, request.id);
  if (unexpected)
    ctx.logger.error({ err: error, requestId: request.id, url: request.raw.url }, 'request failed');
  void reply
    .status(apiError.status)
    .headers({ ...errorHeaders(apiError), 'x-amzn-RequestId': request.id })
    .send(errorBody(apiError));
}

export interface ApiServerOptions {
  /** Host names accepted in the Host header besides IP literals and localhost (--allowed-host). */
  readonly allowedHosts?: readonly string[];
  /** Requires SigV4 from a listed key on every route but the health probes; absent means authentication is off. */
  readonly access?: ApiAccess;
  /** With `access`: lets proxies with a token (`Authorization: Bearer`) manage their own node's instances. */
  readonly proxyAccess?: ProxyAccess;
}

export function createApiServer(ctx: ApiContext, options: ApiServerOptions = {}): FastifyInstance {
  const checkHost = createHostCheck({ allowedHosts: options.allowedHosts });
  const app = Fastify({
    logger: false,
    bodyLimit: maxBodyBytes,
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    routerOptions: { maxParamLength: 1_000_000 },
    frameworkErrors: (error, request, reply) => sendError(ctx, error, request, reply),
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_request, body, done) => {
    done(null, body);
  });
  // A root hook: it also guards the plugins registered on this instance (registry, /switchyard/v1/xds).
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-amzn-RequestId', request.id);
    const refused = checkHost({
      host: request.headers.host,
      localAddress: request.socket.localAddress,
      boundAddress: (app.server.address() as AddressInfo | null)?.address,
    });
    if (refused) {
      sendError(ctx, new ApiError('ForbiddenException', refused), request, reply);
      return reply;
    }
  });
  if (options.access) installAccessHooks(app, options.access, ctx.logger, options.proxyAccess);
  app.addHook('onResponse', async (request, reply) => {
    ctx.logger.debug(
      {
        requestId: request.id,
        method: request.method,
        url: request.raw.url,
        status: reply.statusCode,
        ms: reply.elapsedTime,
      },
      'api request',
    );
  });
  app.route({
    method: [...methods],
    url: '/*',
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      const result = await serve(ctx, request);
      return reply.header('content-type', 'application/json').send(JSON.stringify(result));
    },
  });
  app.setNotFoundHandler((request, reply) => {
    sendError(
      ctx,
      notFound(`No App Mesh operation matches ${request.method} ${request.raw.url}`),
      request,
      reply,
    );
  });
  app.setErrorHandler((error, request, reply) => sendError(ctx, error, request, reply));
  return app;
}
