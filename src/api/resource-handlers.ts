// Create, Describe, Update, Delete and List for all seven resource kinds, driven by their descriptors.

import { arnOf } from '../model/arn.ts';
import { kinds } from '../model/resource-kinds.ts';
import { resourceKey, resourcePath, type ResourceKey } from '../model/resource-key.ts';
import { toData, toRef, type ResourceRecord, type Tag } from '../model/resource-record.ts';
import { validate } from '../model/shape.ts';
import type { ApiContext } from './api-context.ts';
import { conflict } from './api-error.ts';
import { idempotent } from './idempotency.ts';
import { checkDeletable, checkReferencesOnWrite } from './integrity.ts';
import { checkMeshOwner, requireParents, requireRecord } from './lookups.ts';
import { operationName, type ResourceOperation } from './operation-router.ts';
import { pageOf, parsePageRequest } from './pagination.ts';
import { checkCreateQuota, checkSpecQuota } from './quota-check.ts';
import {
  createBodyShapes,
  labelNameShape,
  updateBodyShapes,
  type CreateBody,
  type UpdateBody,
} from './request-bodies.ts';
import { throwIfViolations } from './violations.ts';

const maxListLimit = 100;

function checkLabels(ctx: ApiContext, op: ResourceOperation, query: URLSearchParams): void {
  const violations = [];
  if (op.meshName !== '') {
    violations.push(...validate(labelNameShape('mesh'), op.meshName, 'meshName'));
    if (op.kind !== 'mesh' || op.verb === 'describe') checkMeshOwner(ctx, query, op.meshName);
  }
  const parentKind = kinds[op.kind].parentKind;
  if (parentKind)
    violations.push(...validate(labelNameShape(parentKind), op.parentName, kinds[parentKind].nameMember));
  if (op.name !== '' && op.kind !== 'mesh') {
    violations.push(...validate(labelNameShape(op.kind), op.name, kinds[op.kind].nameMember));
  }
  throwIfViolations(violations);
}

function keyOf(op: ResourceOperation, name = op.name): ResourceKey {
  return op.kind === 'mesh'
    ? resourceKey('mesh', op.meshName || name, op.meshName || name)
    : resourceKey(op.kind, op.meshName, name, op.parentName);
}

function mergeTags(tags: readonly Tag[] | undefined): Tag[] {
  const byKey = new Map<string, string>();
  for (const tag of tags ?? []) byKey.set(tag.key, tag.value);
  return [...byKey].map(([key, value]) => ({ key, value }));
}

async function create(ctx: ApiContext, op: ResourceOperation, body: unknown): Promise<unknown> {
  throwIfViolations(validate(createBodyShapes[op.kind], body ?? {}, ''));
  const { clientToken, spec = {}, tags, ...names } = (body ?? {}) as CreateBody;
  const name = names[kinds[op.kind].nameMember] as string;
  const key = op.kind === 'mesh' ? resourceKey('mesh', name, name) : keyOf(op, name);
  checkSpecQuota(ctx, key, spec);
  const now = ctx.now();
  const scope = `${operationName(op)}:${resourcePath(key)}`;
  return ctx.store.write((tx) =>
    idempotent(tx, now, { scope, clientToken, request: { spec, tags, names } }, async () => {
      await requireParents(tx, ctx, op.kind, op.meshName, op.parentName);
      if (await tx.get(key)) {
        const where = key.kind === 'mesh' ? '' : ` in mesh ${key.meshName}`;
        throw conflict(`${kinds[key.kind].title} with name ${key.name} already exists${where}`);
      }
      await checkCreateQuota(tx, ctx, key);
      const references = await checkReferencesOnWrite(tx, key, spec);
      const record: ResourceRecord = {
        ...key,
        arn: arnOf(ctx.account, key),
        uid: ctx.newUid(),
        version: 1,
        createdAtMs: now,
        lastUpdatedAtMs: now,
        meshOwner: ctx.account.accountId,
        resourceOwner: ctx.account.accountId,
        spec,
        tags: mergeTags(tags),
      };
      return toData(await tx.put(record, references));
    }),
  );
}

async function update(ctx: ApiContext, op: ResourceOperation, body: unknown): Promise<unknown> {
  throwIfViolations(validate(updateBodyShapes[op.kind], body ?? {}, ''));
  const { clientToken, spec = {} } = (body ?? {}) as UpdateBody;
  const key = keyOf(op);
  checkSpecQuota(ctx, key, spec);
  const now = ctx.now();
  const scope = `${operationName(op)}:${resourcePath(key)}`;
  return ctx.store.write((tx) =>
    idempotent(tx, now, { scope, clientToken, request: { spec } }, async () => {
      await requireParents(tx, ctx, op.kind, op.meshName, op.parentName);
      const existing = await requireRecord(tx, ctx, key);
      const references = await checkReferencesOnWrite(tx, key, spec);
      const record: ResourceRecord = {
        ...existing,
        spec,
        version: existing.version + 1,
        lastUpdatedAtMs: now,
      };
      return toData(await tx.put(record, references));
    }),
  );
}

async function remove(ctx: ApiContext, op: ResourceOperation): Promise<unknown> {
  const key = keyOf(op);
  const now = ctx.now();
  return ctx.store.write(async (tx) => {
    await requireParents(tx, ctx, op.kind, op.meshName, op.parentName);
    const existing = await requireRecord(tx, ctx, key);
    await checkDeletable(tx, key);
    await tx.delete(key);
    return toData({ ...existing, lastUpdatedAtMs: now }, 'DELETED');
  });
}

async function describe(ctx: ApiContext, op: ResourceOperation): Promise<unknown> {
  return ctx.store.read(async (tx) => {
    await requireParents(tx, ctx, op.kind, op.meshName, op.parentName);
    return toData(await requireRecord(tx, ctx, keyOf(op)));
  });
}

async function list(ctx: ApiContext, op: ResourceOperation, query: URLSearchParams): Promise<unknown> {
  const { limit, after } = parsePageRequest(query, maxListLimit);
  return ctx.store.read(async (tx) => {
    await requireParents(tx, ctx, op.kind, op.meshName, op.parentName);
    const scope = { kind: op.kind, meshName: op.meshName, parentName: op.parentName };
    const items = await tx.list(scope, { afterName: after, limit: limit + 1 });
    const { page, nextToken } = pageOf(items, limit, (record) => record.name);
    return { [kinds[op.kind].listMember]: page.map(toRef), nextToken };
  });
}

export async function handleResourceOperation(
  ctx: ApiContext,
  op: ResourceOperation,
  query: URLSearchParams,
  body: unknown,
): Promise<unknown> {
  checkLabels(ctx, op, query);
  switch (op.verb) {
    case 'create':
      return create(ctx, op, body);
    case 'update':
      return update(ctx, op, body);
    case 'delete':
      return remove(ctx, op);
    case 'describe':
      return describe(ctx, op);
    case 'list':
      return list(ctx, op, query);
  }
}
