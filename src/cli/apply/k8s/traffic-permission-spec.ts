// Switchyard's own manifest (`apiVersion: switchyard.dev/v1`, `kind: TrafficPermission`) into the API's spec:
// the App Mesh names as they are, or references to the custom resources (`virtualNodeRef`, …) resolved with
// the controller's naming rules.

import type { AppMeshK8sKind } from './k8s-naming.ts';
import type { SpecContext } from './k8s-spec.ts';

export const switchyardGroup = 'switchyard.dev';
export const switchyardApiVersion = 'switchyard.dev/v1';
export const switchyardK8sKinds: readonly string[] = ['TrafficPermission'];

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `<x>Ref` → `<x>Name` in `holder`, resolved to the App Mesh name; other members are kept as they are. */
function resolveRef(
  ctx: SpecContext,
  holder: Obj,
  prefix: 'virtualNode' | 'virtualGateway' | 'virtualService',
  kind: AppMeshK8sKind,
  field: string,
): Obj {
  const refMember = `${prefix}Ref`;
  if (!(refMember in holder)) return holder;
  const { [refMember]: ref, ...rest } = holder;
  if (`${prefix}Name` in holder) {
    ctx.report(`${field}.${refMember}`, `set one of ${prefix}Name and ${refMember}`);
    return rest;
  }
  const name = ctx.index.refName(
    kind,
    isObj(ref) ? ref : {},
    ctx.manifest.namespace,
    `${field}.${refMember}`,
    ctx.report,
  );
  return { ...rest, [`${prefix}Name`]: name };
}

/** The API spec of a TrafficPermission manifest; `meshRef` and `awsName` are the manifest's, not the spec's. */
export function trafficPermissionSpec(ctx: SpecContext): Obj {
  const { meshRef: _meshRef, awsName: _awsName, ...spec } = ctx.manifest.spec;
  const out = resolveRef(ctx, spec, 'virtualService', 'VirtualService', 'spec');
  if (!Array.isArray(out.allow)) return out;
  const allow = out.allow.map((entry: unknown, i) => {
    if (!isObj(entry) || !Array.isArray(entry.from)) return entry;
    const from = entry.from.map((source: unknown, j) => {
      if (!isObj(source)) return source;
      const field = `spec.allow[${i}].from[${j}]`;
      const node = resolveRef(ctx, source, 'virtualNode', 'VirtualNode', field);
      return resolveRef(ctx, node, 'virtualGateway', 'VirtualGateway', field);
    });
    return { ...entry, from };
  });
  return { ...out, allow };
}
