// /healthz (the process serves HTTP) and /readyz (its store is reachable and caught up) for load balancers.

import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.ts';

export function registerHealthRoutes(app: FastifyInstance, store: Store): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const reason = await store.notReadyReason?.();
    if (reason === undefined) return { status: 'ready' };
    return reply.status(503).send({ status: 'not ready', reason });
  });
}
