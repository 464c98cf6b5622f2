// Puts ApiAccess in front of every route of a fastify instance, health probes excepted.

import { createHash, type Hash } from 'node:crypto';
import { pipeline, Transform } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ApiAccess, PendingSignature, Principal } from './api-access.ts';
import { AuthError, authErrorAnswer } from './auth-error.ts';
import type { ProxyPrincipal } from './proxy-authenticator.ts';
import { bearerToken, type ProxyAccess } from './proxy-access.ts';
import type { SignedRequest } from './sigv4-verifier.ts';

/** Load balancers probe these without credentials; they reveal nothing about the mesh. */
export const unauthenticatedPaths: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/**
 * The web console's page, script and styles (src/controlplane/console-routes.ts): a browser loads them unsigned,
 * and they hold nothing about the mesh; the console's API calls are signed. Matched on the route that serves the
 * request, so no spelling of another path can pass for them.
 */
const isConsoleRoute = (routeUrl: string | undefined): boolean =>
  routeUrl === '/ui' || routeUrl?.startsWith('/ui/') === true;

type RequestAuthState =
  | {
      readonly kind: 'signature';
      readonly pending: PendingSignature;
      readonly bodyHash: Hash;
      principal?: Principal;
    }
  /** A proxy token: authenticated as soon as the headers arrive; no body hash to keep. */
  | { readonly kind: 'proxy'; readonly proxy: ProxyPrincipal; readonly principal: Principal };

const states = new WeakMap<FastifyRequest, RequestAuthState>();

/** The principal a request authenticated as; undefined where authentication is off or the path is exempt. */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return states.get(request)?.principal;
}

const signedRequest = (request: FastifyRequest): SignedRequest => ({
  method: request.method,
  rawUrl: request.raw.url ?? '/',
  rawHeaders: request.raw.rawHeaders,
});

function refuse(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Pick<Logger, 'debug'>,
): FastifyReply {
  if (!(error instanceof AuthError)) throw error;
  const answer = authErrorAnswer(error);
  logger.debug(
    { requestId: request.id, method: request.method, url: request.raw.url, refused: error.type },
    'api request refused',
  );
  void reply.status(answer.status).headers(answer.headers).send(answer.body);
  return reply;
}

/**
 * Adds the hooks on `app`'s root, so plugins registered later (the registry, /switchyard/v1/…) inherit them.
 * Unsigned, unknown-key and stale requests are refused before their body is read; the signature itself is
 * checked once the body has streamed through a hash, so the parsers that read it need not keep raw bytes.
 * With `proxyAccess`, a request carrying `Authorization: Bearer <token>` is a proxy's instead: its token is
 * checked before the body is read and it may only touch its own node's registry instances.
 */
export function installAccessHooks(
  app: FastifyInstance,
  access: ApiAccess,
  logger: Pick<Logger, 'debug'>,
  proxyAccess?: ProxyAccess,
): void {
  const exempt = (request: FastifyRequest) =>
    unauthenticatedPaths.has((request.raw.url ?? '/').split('?', 1)[0]!) ||
    isConsoleRoute(request.routeOptions.url);

  app.addHook('onRequest', async (request, reply) => {
    if (exempt(request)) return;
    try {
      const token = proxyAccess ? bearerToken(request.headers.authorization) : undefined;
      if (proxyAccess && token !== undefined) {
        const proxy = proxyAccess.authenticate(token);
        states.set(request, { kind: 'proxy', proxy, principal: { kind: 'proxy', proxy } });
        return;
      }
      states.set(request, {
        kind: 'signature',
        pending: access.screen(signedRequest(request)),
        bodyHash: createHash('sha256'),
      });
    } catch (error) {
      return refuse(error, request, reply, logger);
    }
  });

  app.addHook('preParsing', async (request, _reply, payload) => {
    const state = states.get(request);
    if (state?.kind !== 'signature') return payload;
    const tee = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        state.bodyHash.update(chunk);
        done(null, chunk);
      },
    });
    // Errors reach the body parser through the tee; nothing else needs them here.
    return pipeline(payload, tee, () => undefined);
  });

  app.addHook('preHandler', async (request, reply) => {
    if (exempt(request)) return;
    const state = states.get(request);
    if (!state)
      return refuse(
        new AuthError('MissingAuthenticationTokenException', 'Missing Authentication Token'),
        request,
        reply,
        logger,
      );
    try {
      if (state.kind === 'proxy') {
        const body = Buffer.isBuffer(request.body) ? request.body : undefined;
        await proxyAccess!.authorize(state.proxy, request.method, request.raw.url ?? '/', body);
        return;
      }
      const request_ = signedRequest(request);
      const principal = access.authenticate(request_, state.pending, state.bodyHash.digest('hex'));
      state.principal = principal;
      access.authorize(
        principal,
        request.method,
        request_.rawUrl,
        Buffer.isBuffer(request.body) ? request.body : undefined,
        request.routeOptions.url,
      );
    } catch (error) {
      return refuse(error, request, reply, logger);
    }
  });
}
