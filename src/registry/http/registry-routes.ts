// The registry's HTTP API as an encapsulated fastify plugin under /switchyard/v1/registry/.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { required, struct } from '../../model/shape.ts';
import { attributesShape, instanceHealthShape, ipAddressShape, portShape } from '../registry-model.ts';
import type { Store } from '../../store/store.ts';
import { registerNodeInstance, virtualNodeAttribute } from '../node-registration.ts';
import { RegistryValidationError } from '../registry-errors.ts';
import type { RegistryStore } from '../registry-store.ts';
import { RegistryHttpError, toErrorAnswer } from './registry-error-answer.ts';
import { matchRegistryPath, registryPrefix, type RegistryOperation } from './registry-paths.ts';
import { assertNoQuery, emptyBodyShape, parseBody, parseInstanceFilter } from './registry-request.ts';

export interface RegistryRoutesOptions {
  /** Where failures that are not the client's fault are logged. */
  readonly logger?: Pick<Logger, 'error'>;
  /** The App Mesh store; enables registering an instance by virtual node (what sidecars use). */
  readonly store?: Store;
}

/** Largest request body the registry reads; an instance with 30 long attributes fits easily. */
export const registryBodyLimitBytes = 256 * 1024;

const instanceBodyShape = struct({
  address: required(ipAddressShape),
  port: required(portShape),
  attributes: attributesShape,
  health: instanceHealthShape,
});
const healthBodyShape = struct({ health: required(instanceHealthShape) });

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const ok = (body: unknown): Answer => ({ status: 200, body });
const putAnswer = ({ value, created }: { value: unknown; created: boolean }): Answer => ({
  status: created ? 201 : 200,
  body: value,
});

async function answer(
  registry: RegistryStore,
  options: RegistryRoutesOptions,
  operation: RegistryOperation,
  labels: readonly string[],
  query: URLSearchParams,
  rawBody: unknown,
): Promise<Answer> {
  if (operation !== 'listInstances') assertNoQuery(query);
  const [ns = '', svc = '', id = ''] = labels;
  switch (operation) {
    case 'listNamespaces':
      return ok({ namespaces: await registry.listNamespaces() });
    case 'putNamespace':
      parseBody(rawBody, emptyBodyShape);
      return putAnswer(await registry.putNamespace(ns));
    case 'getNamespace':
      return ok((await registry.getNamespace(ns)) ?? (await notFound(registry, ns)));
    case 'deleteNamespace':
      return ok(await registry.deleteNamespace(ns));
    case 'listServices':
      return ok({ services: await registry.listServices(ns) });
    case 'putService':
      parseBody(rawBody, emptyBodyShape);
      return putAnswer(await registry.putService(ns, svc));
    case 'getService':
      return ok((await registry.getService(ns, svc)) ?? (await notFound(registry, ns, svc)));
    case 'deleteService':
      return ok(await registry.deleteService(ns, svc));
    case 'listInstances':
      return ok({ instances: await registry.listInstances(ns, svc, parseInstanceFilter(query)) });
    case 'putInstance': {
      const body = parseBody(rawBody, instanceBodyShape);
      // Access control reads it as "this node's instance": only by-node registration may write it.
      if (body.attributes?.[virtualNodeAttribute] !== undefined)
        throw new RegistryValidationError([
          {
            path: `attributes.${virtualNodeAttribute}`,
            message:
              'is set by the control plane when a virtual node registers its instance (PUT /switchyard/v1/registry/meshes/M/virtualNodes/N/instances/I)',
          },
        ]);
      return putAnswer(
        await registry.registerInstance({ namespaceName: ns, serviceName: svc, instanceId: id, ...body }),
      );
    }
    case 'getInstance':
      return ok((await registry.getInstance(ns, svc, id)) ?? (await notFound(registry, ns, svc, id)));
    case 'deleteInstance':
      return ok(await registry.deregisterInstance(ns, svc, id));
    case 'putInstanceHealth': {
      const { health } = parseBody(rawBody, healthBodyShape);
      return ok(await registry.setInstanceHealth(ns, svc, id, health));
    }
    case 'putInstanceHeartbeat':
      parseBody(rawBody, emptyBodyShape);
      return ok(await registry.heartbeat(ns, svc, id));
    case 'putNodeInstance': {
      // Labels here are mesh, virtual node and instance id.
      const body = parseBody(rawBody, instanceBodyShape);
      if (!options.store)
        throw new RegistryHttpError(404, 'registration by virtual node is not enabled here');
      return putAnswer(
        await registerNodeInstance(options.store, registry, {
          meshName: ns,
          virtualNodeName: svc,
          instanceId: id,
          ...body,
        }),
      );
    }
  }
}

/** Throws a 404 naming the first missing level: namespace, then service, then instance. */
async function notFound(registry: RegistryStore, ns: string, svc?: string, id?: string): Promise<never> {
  if (!(await registry.getNamespace(ns))) throw new RegistryHttpError(404, `namespace ${ns} does not exist`);
  if (svc !== undefined && id !== undefined && (await registry.getService(ns, svc))) {
    throw new RegistryHttpError(404, `instance ${id} is not registered in service ${svc} of namespace ${ns}`);
  }
  throw new RegistryHttpError(404, `service ${svc} does not exist in namespace ${ns}`);
}

function splitUrl(rawUrl: string): { path: string; query: URLSearchParams } {
  const mark = rawUrl.indexOf('?');
  return mark === -1
    ? { path: rawUrl, query: new URLSearchParams() }
    : { path: rawUrl.slice(0, mark), query: new URLSearchParams(rawUrl.slice(mark + 1)) };
}

async function handle(
  registry: RegistryStore,
  options: RegistryRoutesOptions,
  request: FastifyRequest,
): Promise<Answer> {
  const { path, query } = splitUrl(request.raw.url ?? '/');
  const match = matchRegistryPath(request.method, path);
  if ('error' in match) {
    const status = { notFound: 404, methodNotAllowed: 405, badEncoding: 400 }[match.error];
    throw new RegistryHttpError(status, match.message);
  }
  return answer(registry, options, match.operation, match.labels, query, request.body);
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.status(status).header('content-type', 'application/json').send(JSON.stringify(body));
}

/**
 * Registers the registry API on `app` in its own encapsulated scope (own body parser and error handler), so
 * it can share an instance with the App Mesh API: its static prefix wins over that server's `/*` catch-all.
 * The routes are served once `app.ready()` (or `listen`) runs.
 */
export function registerRegistryRoutes(
  app: FastifyInstance,
  registry: RegistryStore,
  options: RegistryRoutesOptions = {},
): void {
  void app.register(
    async (scope) => {
      // Bodies are read raw and parsed here, so any content type (curl's default included) gets JSON rules.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: registryBodyLimitBytes },
        (_r, body, done) => done(null, body),
      );
      scope.setErrorHandler((error, request, reply) => {
        const { status, body, unexpected } = toErrorAnswer(error, request.id);
        if (unexpected)
          options.logger?.error({ err: error, url: request.raw.url }, 'registry request failed');
        return send(reply, status, body);
      });
      scope.route({
        method: ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'],
        url: '/*',
        exposeHeadRoute: false,
        handler: async (request, reply) => {
          const { status, body } = await handle(registry, options, request);
          return send(reply, status, body);
        },
      });
    },
    { prefix: registryPrefix },
  );
}
