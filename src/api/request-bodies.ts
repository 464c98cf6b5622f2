// The JSON body each write operation accepts, as model shapes: validating one names every bad member.

import { kinds, kindNames, type KindName } from '../model/resource-kinds.ts';
import {
  clientTokenShape,
  resourceNameShape,
  serviceNameShape,
  tagKeysShape,
  tagListShape,
} from '../model/names.ts';
import { required, struct, type Shape } from '../model/shape.ts';
import { specShapes } from '../model/specs/index.ts';
import type { Tag } from '../model/resource-record.ts';

export interface CreateBody {
  readonly clientToken?: string;
  readonly spec?: Record<string, unknown>;
  readonly tags?: Tag[];
  readonly [nameMember: string]: unknown;
}

export interface UpdateBody {
  readonly clientToken?: string;
  readonly spec?: Record<string, unknown>;
}

function nameShapeOf(kind: KindName): Shape<string> {
  return kind === 'virtualService' ? serviceNameShape : resourceNameShape;
}

function createShape(kind: KindName): Shape<unknown> {
  const descriptor = kinds[kind];
  const spec = specShapes[kind];
  return struct({
    clientToken: clientTokenShape,
    [descriptor.nameMember]: required(nameShapeOf(kind)),
    spec: descriptor.specRequired ? required(spec) : spec,
    tags: tagListShape,
  });
}

function updateShape(kind: KindName): Shape<unknown> {
  const spec = specShapes[kind];
  return struct({ clientToken: clientTokenShape, spec: kinds[kind].specRequired ? required(spec) : spec });
}

export const createBodyShapes = Object.fromEntries(kindNames.map((k) => [k, createShape(k)])) as Record<
  KindName,
  Shape<unknown>
>;
export const updateBodyShapes = Object.fromEntries(kindNames.map((k) => [k, updateShape(k)])) as Record<
  KindName,
  Shape<unknown>
>;
export const tagResourceBodyShape = struct({ tags: required(tagListShape) });
export const untagResourceBodyShape = struct({ tagKeys: required(tagKeysShape) });

/** Validation for a name taken from a path label. */
export function labelNameShape(kind: KindName): Shape<string> {
  return nameShapeOf(kind);
}
