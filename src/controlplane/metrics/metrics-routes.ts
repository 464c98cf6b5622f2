// HTTP routes of the golden metrics: the JSON edges and series under /switchyard/v1/metrics, Prometheus text at
// /metrics, and the hook counting API requests. All sit behind the API's access hooks like every other path.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { operationName, routeOperation } from '../../api/operation-router.ts';
import type { MeshState } from '../../xds/translate/mesh-state.ts';
import type { MeshMetricsHub } from './mesh-metrics-hub.ts';
import { meshEdges, meshSeries } from './mesh-edges.ts';
import { prometheusContentType, prometheusText } from './prometheus-text.ts';

export interface MetricsRouteSources {
  readonly meshState: (meshName: string) => MeshState | undefined;
  readonly connectedProxies: () => number;
}

export const minWindowSeconds = 10;
export const maxWindowSeconds = 3600;
export const defaultWindowSeconds = 60;

/** `windowSeconds` of a query: a whole number in range, or an error message. */
export function parseWindowSeconds(raw: unknown): number | string {
  if (raw === undefined || raw === '') return defaultWindowSeconds;
  const text = String(raw);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < minWindowSeconds || value > maxWindowSeconds)
    return `windowSeconds must be a whole number from ${minWindowSeconds} to ${maxWindowSeconds}, got ${JSON.stringify(text)}`;
  return value;
}

/** What an API request did, for the request counter: the App Mesh operation, else the route pattern. */
function operationOf(request: FastifyRequest): string {
  const path = (request.raw.url ?? '/').split('?', 1)[0]!;
  try {
    return operationName(routeOperation(request.method, path));
  } catch {
    const url = request.routeOptions.url;
    return url === undefined || url === '/*' ? 'unmatched' : `${request.method} ${url}`;
  }
}

export function registerMetricsRoutes(
  app: FastifyInstance,
  hub: MeshMetricsHub,
  sources: MetricsRouteSources,
): void {
  app.addHook('onResponse', async (request, reply) => {
    hub.stats.apiRequests.inc([operationOf(request), String(reply.statusCode)]);
  });
  type MeshQuery = { Params: { mesh: string }; Querystring: { windowSeconds?: string } };
  const answer =
    (build: typeof meshEdges | typeof meshSeries) =>
    async (request: FastifyRequest<MeshQuery>, reply: FastifyReply): Promise<unknown> => {
      const windowSeconds = parseWindowSeconds(request.query.windowSeconds);
      if (typeof windowSeconds === 'string') return reply.code(400).send({ message: windowSeconds });
      const meshName = request.params.mesh;
      const state = sources.meshState(meshName);
      if (state === undefined)
        return reply.code(404).send({ message: `mesh ${JSON.stringify(meshName)} does not exist` });
      return build(hub.window, meshName, state, windowSeconds, hub.now());
    };
  app.get<MeshQuery>('/switchyard/v1/metrics/meshes/:mesh/edges', answer(meshEdges));
  app.get<MeshQuery>('/switchyard/v1/metrics/meshes/:mesh/series', answer(meshSeries));
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', prometheusContentType).send(
      prometheusText({
        window: hub.window,
        stats: hub.stats,
        meshState: sources.meshState,
        connectedProxies: sources.connectedProxies,
        reportingProxies: () => hub.receiver.reporters,
      }),
    ),
  );
}
