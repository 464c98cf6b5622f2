// The TrafficPermission resource over HTTP under /switchyard/v1/meshes/{mesh}/trafficPermissions: PUT on an item
// creates or replaces it (optionally only at an expected version), PUT on the collection only creates (App Mesh's
// form), GET reads one or lists, DELETE removes. Stored in the
// same store and change feed as the App Mesh resources, as kind `trafficPermission`.

import type { FastifyInstance } from 'fastify';
import { arnOf } from '../model/arn.ts';
import { resourceNameShape } from '../model/names.ts';
import { resourceKey, type ResourceKey } from '../model/resource-key.ts';
import { toData, type ResourceRecord } from '../model/resource-record.ts';
import { integer, required, struct, validate, type Shape } from '../model/shape.ts';
import { specShapes, type TrafficPermissionSpec } from '../model/specs/index.ts';
import type { ApiContext } from './api-context.ts';
import { badRequest, conflict, limitExceeded } from './api-error.ts';
import { requireParents, requireRecord } from './lookups.ts';
import { pageOf, parsePageRequest } from './pagination.ts';
import { parseJsonBody } from './request-body.ts';
import { throwIfViolations } from './violations.ts';

export const trafficPermissionsPath = '/switchyard/v1/meshes/:mesh/trafficPermissions';
export const trafficPermissionPath = `${trafficPermissionsPath}/:name`;

/** Bounds the RBAC policies one mesh's proxies carry; one service rarely needs more than a handful. */
export const maxTrafficPermissionsPerMesh = 1000;
const maxListLimit = 100;

function anything(): Shape<unknown> {
  return { check: () => undefined };
}

/** Only `version` of the metadata is read: an answer can be edited and sent back as it is. */
const putBodyShape = struct({
  meshName: resourceNameShape,
  trafficPermissionName: resourceNameShape,
  spec: required(specShapes.trafficPermission),
  metadata: struct({
    version: integer({ min: 0 }),
    arn: anything(),
    uid: anything(),
    createdAt: anything(),
    lastUpdatedAt: anything(),
    meshOwner: anything(),
    resourceOwner: anything(),
  }),
  status: anything(),
});

interface PutBody {
  readonly meshName?: string;
  readonly trafficPermissionName?: string;
  readonly spec: TrafficPermissionSpec;
  readonly metadata?: { readonly version?: number };
}

interface Labels {
  readonly mesh: string;
  readonly name?: string;
}

function checkLabels(labels: Labels): void {
  const violations = validate(resourceNameShape, labels.mesh, 'meshName');
  if (labels.name !== undefined)
    violations.push(...validate(resourceNameShape, labels.name, 'trafficPermissionName'));
  throwIfViolations(violations);
}

function keyOf(labels: Labels & { name: string }): ResourceKey {
  return resourceKey('trafficPermission', labels.mesh, labels.name);
}

function describePermission(key: ResourceKey): string {
  return `TrafficPermission ${key.name} in mesh ${key.meshName}`;
}

/**
 * Creates or replaces one permission; answers its data and whether it was created. On the collection (App Mesh's
 * Create* form, `labels.name` absent) the body names it and it must not exist yet.
 */
export async function putTrafficPermission(
  ctx: ApiContext,
  pathLabels: Labels,
  rawBody: unknown,
): Promise<{ created: boolean; data: Record<string, unknown> }> {
  checkLabels(pathLabels);
  const body = parseJsonBody(rawBody);
  if (body === undefined) throw badRequest('Request body is required: {"spec": {...}}');
  throwIfViolations(validate(putBodyShape, body, ''));
  const { meshName, trafficPermissionName, spec, metadata } = body as unknown as PutBody;
  const createOnly = pathLabels.name === undefined;
  if (createOnly && trafficPermissionName === undefined) {
    throw badRequest('1 validation error detected: trafficPermissionName is required');
  }
  const labels = { mesh: pathLabels.mesh, name: pathLabels.name ?? trafficPermissionName! };
  const mismatched = [
    meshName !== undefined && meshName !== labels.mesh ? `meshName ${meshName} (path: ${labels.mesh})` : '',
    trafficPermissionName !== undefined && trafficPermissionName !== labels.name
      ? `trafficPermissionName ${trafficPermissionName} (path: ${labels.name})`
      : '',
  ].filter(Boolean);
  if (mismatched.length > 0) {
    throw badRequest(`the body names another resource than the path: ${mismatched.join(', ')}`);
  }
  const expectedVersion = metadata?.version;
  const key = keyOf(labels);
  const now = ctx.now();
  return ctx.store.write(async (tx) => {
    await requireParents(tx, ctx, 'trafficPermission', key.meshName, '');
    const existing = await tx.get(key);
    if (createOnly && existing) throw conflict(`${describePermission(key)} already exists`);
    if (expectedVersion !== undefined && expectedVersion !== (existing?.version ?? 0)) {
      throw conflict(
        existing
          ? `${describePermission(key)} is at version ${existing.version}, not ${expectedVersion}: read it again and retry`
          : `${describePermission(key)} does not exist (version 0), not version ${expectedVersion}`,
      );
    }
    if (!existing) {
      const count = await tx.count({ kind: 'trafficPermission', meshName: key.meshName });
      if (count >= maxTrafficPermissionsPerMesh) {
        throw limitExceeded(
          `mesh ${key.meshName} already has ${count} traffic permissions, the most one mesh may have`,
        );
      }
    }
    const record: ResourceRecord = existing
      ? { ...existing, spec, version: existing.version + 1, lastUpdatedAtMs: now }
      : {
          ...key,
          arn: arnOf(ctx.account, key),
          uid: ctx.newUid(),
          version: 1,
          createdAtMs: now,
          lastUpdatedAtMs: now,
          meshOwner: ctx.account.accountId,
          resourceOwner: ctx.account.accountId,
          spec,
          tags: [],
        };
    // The virtual service is a soft reference (like a node's backends): a permission may be written first,
    // and deleting the service leaves it in place.
    return { created: !existing, data: toData(await tx.put(record, [])) };
  });
}

export async function getTrafficPermission(
  ctx: ApiContext,
  labels: Labels & { name: string },
): Promise<Record<string, unknown>> {
  checkLabels(labels);
  return ctx.store.read(async (tx) => {
    await requireParents(tx, ctx, 'trafficPermission', labels.mesh, '');
    return toData(await requireRecord(tx, ctx, keyOf(labels)));
  });
}

export async function deleteTrafficPermission(
  ctx: ApiContext,
  labels: Labels & { name: string },
): Promise<Record<string, unknown>> {
  checkLabels(labels);
  const now = ctx.now();
  return ctx.store.write(async (tx) => {
    await requireParents(tx, ctx, 'trafficPermission', labels.mesh, '');
    const key = keyOf(labels);
    const existing = await requireRecord(tx, ctx, key);
    await tx.delete(key);
    return toData({ ...existing, lastUpdatedAtMs: now }, 'DELETED');
  });
}

export async function listTrafficPermissions(
  ctx: ApiContext,
  labels: Labels,
  query: URLSearchParams,
): Promise<Record<string, unknown>> {
  checkLabels(labels);
  const { limit, after } = parsePageRequest(query, maxListLimit);
  return ctx.store.read(async (tx) => {
    await requireParents(tx, ctx, 'trafficPermission', labels.mesh, '');
    const items = await tx.list(
      { kind: 'trafficPermission', meshName: labels.mesh },
      { afterName: after, limit: limit + 1 },
    );
    const { page, nextToken } = pageOf(items, limit, (record) => record.name);
    return { trafficPermissions: page.map((record) => toData(record)), nextToken };
  });
}

function queryOf(rawUrl: string | undefined): URLSearchParams {
  const mark = (rawUrl ?? '').indexOf('?');
  return new URLSearchParams(mark === -1 ? '' : rawUrl!.slice(mark + 1));
}

/** Registers the four routes; errors are thrown as ApiErrors, which the API server answers in App Mesh's shape. */
export function registerTrafficPermissionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  type ItemRoute = { Params: { mesh: string; name: string } };
  const json = 'application/json';
  app.get<{ Params: { mesh: string } }>(trafficPermissionsPath, async (request, reply) =>
    reply
      .header('content-type', json)
      .send(JSON.stringify(await listTrafficPermissions(ctx, request.params, queryOf(request.raw.url)))),
  );
  app.put<{ Params: { mesh: string } }>(trafficPermissionsPath, async (request, reply) => {
    const { data } = await putTrafficPermission(ctx, request.params, request.body);
    return reply.status(201).header('content-type', json).send(JSON.stringify(data));
  });
  app.get<ItemRoute>(trafficPermissionPath, async (request, reply) =>
    reply.header('content-type', json).send(JSON.stringify(await getTrafficPermission(ctx, request.params))),
  );
  app.put<ItemRoute>(trafficPermissionPath, async (request, reply) => {
    const { created, data } = await putTrafficPermission(ctx, request.params, request.body);
    return reply
      .status(created ? 201 : 200)
      .header('content-type', json)
      .send(JSON.stringify(data));
  });
  app.delete<ItemRoute>(trafficPermissionPath, async (request, reply) =>
    reply
      .header('content-type', json)
      .send(JSON.stringify(await deleteTrafficPermission(ctx, request.params))),
  );
}
