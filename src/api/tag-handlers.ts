// TagResource, UntagResource and ListTagsForResource: resources addressed by ARN.

import { parseArn } from '../model/arn.ts';
import type { Tag } from '../model/resource-record.ts';
import { referencesOf } from '../model/references.ts';
import { validate } from '../model/shape.ts';
import type { ApiContext } from './api-context.ts';
import { badRequest, notFound, tooManyTags } from './api-error.ts';
import { notPresentMessage, requireRecord } from './lookups.ts';
import type { TagOperation } from './operation-router.ts';
import { pageOf, parsePageRequest } from './pagination.ts';
import { tagResourceBodyShape, untagResourceBodyShape } from './request-bodies.ts';
import { throwIfViolations } from './violations.ts';

const maxTags = 50;

function targetKey(ctx: ApiContext, query: URLSearchParams) {
  const arn = query.get('resourceArn');
  if (arn === null || arn === '') throw badRequest('resourceArn is required');
  const parsed = parseArn(arn);
  if (!parsed) throw badRequest(`resourceArn is not a valid App Mesh resource ARN: ${arn}`);
  const { region, accountId, partition } = ctx.account;
  if (parsed.region !== region || parsed.accountId !== accountId || parsed.partition !== partition) {
    throw notFound(
      `${notPresentMessage(ctx, parsed.key)} (ARN ${arn} is outside ${partition}/${region}/${accountId})`,
    );
  }
  return parsed.key;
}

async function retag(
  ctx: ApiContext,
  query: URLSearchParams,
  change: (tags: readonly Tag[]) => Tag[],
): Promise<unknown> {
  const key = targetKey(ctx, query);
  return ctx.store.write(async (tx) => {
    const record = await requireRecord(tx, ctx, key);
    const tags = change(record.tags);
    if (tags.length > maxTags) {
      throw tooManyTags(`${record.arn} would have ${tags.length} tags; at most ${maxTags} are allowed`);
    }
    await tx.put({ ...record, tags }, referencesOf(key, record.spec));
    return {};
  });
}

export async function handleTagOperation(
  ctx: ApiContext,
  op: TagOperation,
  query: URLSearchParams,
  body: unknown,
): Promise<unknown> {
  switch (op.verb) {
    case 'tagResource': {
      throwIfViolations(validate(tagResourceBodyShape, body ?? {}, ''));
      const added = (body as { tags: Tag[] }).tags;
      return retag(ctx, query, (tags) => {
        const byKey = new Map(tags.map((t) => [t.key, t.value]));
        for (const tag of added) byKey.set(tag.key, tag.value);
        return [...byKey].map(([key, value]) => ({ key, value }));
      });
    }
    case 'untagResource': {
      throwIfViolations(validate(untagResourceBodyShape, body ?? {}, ''));
      const removed = new Set((body as { tagKeys: string[] }).tagKeys);
      return retag(ctx, query, (tags) => tags.filter((t) => !removed.has(t.key)));
    }
    case 'listTagsForResource': {
      const { limit, after } = parsePageRequest(query, maxTags);
      const start = after === undefined ? 0 : Number(after);
      if (!Number.isSafeInteger(start) || start < 0) throw badRequest('nextToken is not valid');
      const key = targetKey(ctx, query);
      const record = await ctx.store.read((tx) => requireRecord(tx, ctx, key));
      const indexed = record.tags
        .slice(start, start + limit + 1)
        .map((tag, i) => ({ tag, index: start + i }));
      const { page, nextToken } = pageOf(indexed, limit, (item) => String(item.index + 1));
      return { tags: page.map((item) => item.tag), nextToken };
    }
  }
}
