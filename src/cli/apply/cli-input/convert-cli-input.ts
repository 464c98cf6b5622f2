// App Mesh API JSON as given to `aws appmesh create-… --cli-input-json`: one resource per document, its kind
// told by its name member (`routeName` with `virtualRouterName` is a route, `meshName` alone a mesh).

import { kinds, type KindName } from '../../../model/resource-kinds.ts';
import { resourceKey } from '../../../model/resource-key.ts';
import type { TagRef } from '../../resource-api.ts';
import type { ApplyProblem } from '../apply-problem.ts';
import type { Conversion } from '../desired-resource.ts';
import type { SourceDocument } from '../source-document.ts';

const ownNameKinds: readonly KindName[] = [
  'gatewayRoute',
  'route',
  'virtualService',
  'virtualNode',
  'virtualRouter',
  'virtualGateway',
  'trafficPermission',
];

/** Members of the CLI input that are not names, spec or tags but are harmless to carry. */
const ignoredMembers = new Set(['clientToken', 'meshOwner']);

export function isCliInput(value: object): boolean {
  return 'meshName' in value || ownNameKinds.some((kind) => kinds[kind].nameMember in value);
}

/** Which kind of resource a CLI input document describes, or why that cannot be told. */
export function inferCliInputKind(value: Record<string, unknown>): KindName | string {
  const named = ownNameKinds.filter((kind) => kinds[kind].nameMember in value);
  const children = named.filter((kind) => kinds[kind].parentKind);
  if (children.length > 1) return 'carries both routeName and gatewayRouteName';
  if (children.length === 1) return children[0]!;
  if (named.length > 1) {
    return `carries the names of several kinds (${named.map((kind) => kinds[kind].nameMember).join(', ')})`;
  }
  return named[0] ?? 'mesh';
}

export function convertCliInput(doc: SourceDocument): Conversion {
  const origin = doc.origin;
  const value = doc.value as Record<string, unknown>;
  const problems: ApplyProblem[] = [];
  const fail = (field: string | undefined, message: string): Conversion => ({
    resources: [],
    notes: [],
    problems: [...problems, { origin, field, message }],
  });
  const kind = inferCliInputKind(value);
  if (!(kind in kinds)) return fail(undefined, `cannot tell the resource kind: the document ${kind}`);
  const descriptor = kinds[kind as KindName];
  const nameMembers = ['meshName', descriptor.nameMember];
  if (descriptor.parentKind) nameMembers.push(kinds[descriptor.parentKind].nameMember);
  const allowed = new Set([...nameMembers, 'spec', 'tags', ...ignoredMembers]);
  for (const member of Object.keys(value)) {
    if (!allowed.has(member))
      problems.push({ origin, field: member, message: `is not a member of ${descriptor.title} input` });
  }
  for (const member of nameMembers) {
    if (typeof value[member] !== 'string')
      problems.push({ origin, field: member, message: 'is required and must be a string' });
  }
  if (value.spec === undefined && descriptor.specRequired)
    problems.push({ origin, field: 'spec', message: 'is required' });
  if (problems.length > 0) return { resources: [], notes: [], problems };
  const parentName = descriptor.parentKind ? String(value[kinds[descriptor.parentKind].nameMember]) : '';
  const key = resourceKey(
    descriptor.kind,
    String(value.meshName),
    String(value[descriptor.nameMember]),
    parentName,
  );
  return {
    resources: [
      {
        key,
        spec: (value.spec ?? {}) as Record<string, unknown>,
        // Switchyard's own kinds carry no tags: the files do not manage them.
        tags: descriptor.appMesh ? ((value.tags ?? []) as TagRef[]) : undefined,
        origin,
        label: `${descriptor.title} ${key.name}`,
        sourcePath: (apiPath) => apiPath,
      },
    ],
    notes: [],
    problems: [],
  };
}
