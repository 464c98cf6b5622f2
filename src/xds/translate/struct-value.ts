// Plain JSON as google.protobuf.Struct, for carrying App Mesh settings in Envoy metadata.
import type { Struct } from './envoy-types.ts';
import type { Value } from '../protos/generated/google/protobuf/Value.ts';

function valueOf(json: unknown): Value {
  if (json === null || json === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof json === 'string') return { stringValue: json };
  if (typeof json === 'number') return { numberValue: json };
  if (typeof json === 'boolean') return { boolValue: json };
  if (Array.isArray(json)) return { listValue: { values: json.map(valueOf) } };
  return { structValue: toStruct(json as Record<string, unknown>) };
}

/** Keys whose value is undefined are left out, as JSON would. */
export function toStruct(json: Readonly<Record<string, unknown>>): Struct {
  const fields: Record<string, Value> = {};
  for (const [key, value] of Object.entries(json)) if (value !== undefined) fields[key] = valueOf(value);
  return { fields };
}
