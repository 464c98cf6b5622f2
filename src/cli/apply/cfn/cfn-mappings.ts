// The template's Mappings section, read by Fn::FindInMap: map name → top-level key → second-level key → value.

import { CfnError } from './cfn-intrinsics.ts';

type Level = Readonly<Record<string, unknown>>;

function isMap(value: unknown): value is Level {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Looks up `Fn::FindInMap [mapName, topKey, secondKey]`; a missing map or key is an error naming it. */
export function findInMappings(
  mappings: unknown,
  mapName: string,
  topKey: string,
  secondKey: string,
  path: string,
): unknown {
  if (mappings !== undefined && !isMap(mappings)) throw new CfnError('Mappings', 'must be a map of maps');
  const map = mappings?.[mapName];
  if (!isMap(map) || !Object.hasOwn(mappings!, mapName))
    throw new CfnError(path, `Fn::FindInMap: Mappings has no map ${mapName}`);
  const top = map[topKey];
  if (!isMap(top) || !Object.hasOwn(map, topKey))
    throw new CfnError(path, `Fn::FindInMap: Mappings.${mapName} has no key ${topKey}`);
  if (!Object.hasOwn(top, secondKey))
    throw new CfnError(path, `Fn::FindInMap: Mappings.${mapName}.${topKey} has no key ${secondKey}`);
  return top[secondKey];
}
