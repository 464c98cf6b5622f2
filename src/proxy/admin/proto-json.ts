// Renders a decoded Envoy message as Envoy's admin prints it: only fields that are set (no proto3 defaults, no
// oneof names, no empty lists), Anys as `{"@type", ...fields}`, Durations as "5s", wrappers as bare values, and
// fields annotated `udpa.annotations.sensitive` (private keys, passwords) as "[redacted]".
import { messageNameOf, messageType, unpackAny } from '../../xds/protos/index.ts';

/** The parts of protobufjs reflection we read (keeps this file free of a direct protobufjs import). */
interface FieldInfo {
  readonly name: string;
  readonly repeated: boolean;
  readonly map: boolean;
  readonly type: string;
  /** The oneof (also proto3 `optional`'s synthetic one) the field is in: set there means set, even to a default. */
  readonly partOf: unknown;
  readonly resolvedType: TypeInfo | EnumInfo | null;
  readonly options?: Readonly<Record<string, unknown>>;
}
interface TypeInfo {
  readonly fullName: string;
  readonly fieldsArray: readonly FieldInfo[];
}
interface EnumInfo {
  readonly values: Readonly<Record<string, number>>;
}

const isType = (t: TypeInfo | EnumInfo | null): t is TypeInfo => t !== null && 'fieldsArray' in t;

const wrappers = new Set(
  ['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map(
    (w) => `.google.protobuf.${w}Value`,
  ),
);

function bytesText(value: unknown): string {
  return Buffer.from(value as Uint8Array).toString('base64');
}

function isDefault(field: FieldInfo, value: unknown): boolean {
  const type = field.resolvedType;
  if (isType(type)) return false;
  if (type) return value === 0 || type.values[String(value)] === 0;
  if (value instanceof Uint8Array) return value.length === 0;
  return value === 0 || value === '0' || value === '' || value === false;
}

function durationText(value: { seconds?: unknown; nanos?: unknown }): string {
  const seconds = Number(value.seconds ?? 0);
  const nanos = Number(value.nanos ?? 0);
  if (nanos === 0) return `${seconds}s`;
  return `${(seconds + nanos / 1e9).toFixed(9).replace(/0+$/, '')}s`;
}

/** google.protobuf.Value as decoded with camelCase members (the shared Root's Struct) → plain JSON. */
function structValue(value: Record<string, unknown>): unknown {
  if ('structValue' in value && value.structValue)
    return structJson(value.structValue as Record<string, unknown>);
  if ('listValue' in value && value.listValue)
    return ((value.listValue as { values?: Record<string, unknown>[] }).values ?? []).map(structValue);
  for (const key of ['stringValue', 'numberValue', 'boolValue'])
    if (value[key] !== undefined && value[key] !== null) return value[key];
  return null;
}

function structJson(value: Record<string, unknown>): object {
  const fields = (value.fields ?? {}) as Record<string, Record<string, unknown>>;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, structValue(v)]));
}

function anyJson(value: { type_url?: string; value?: Uint8Array }): object {
  const typeUrl = value.type_url ?? '';
  try {
    const type = messageType(messageNameOf(typeUrl)) as unknown as TypeInfo;
    return { '@type': typeUrl, ...messageJson(type, unpackAny({ type_url: typeUrl, value: value.value! })) };
  } catch {
    // A type this process does not know: its bytes, as Envoy prints an Any it cannot decode.
    return { '@type': typeUrl, value: bytesText(value.value ?? new Uint8Array()) };
  }
}

function fieldValue(field: FieldInfo, value: unknown): unknown {
  const type = field.resolvedType;
  if (isType(type)) {
    const object = value as Record<string, unknown>;
    if (type.fullName === '.google.protobuf.Any') return anyJson(object);
    if (type.fullName === '.google.protobuf.Duration') return durationText(object);
    if (type.fullName === '.google.protobuf.Struct') return structJson(object);
    if (type.fullName === '.google.protobuf.Value') return structValue(object);
    if (wrappers.has(type.fullName))
      return field.type.endsWith('BytesValue') ? bytesText(object.value) : object.value;
    return messageJson(type, object);
  }
  return value instanceof Uint8Array ? bytesText(value) : value;
}

/** Every string (and bytes) leaf replaced, as Envoy's MessageUtil::redact does under a sensitive field. */
function redacted(value: unknown): unknown {
  if (typeof value === 'string') return '[redacted]';
  if (Array.isArray(value)) return value.map(redacted);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === '@type' ? v : redacted(v)]));
  return value;
}

function messageJson(type: TypeInfo, message: unknown): Record<string, unknown> {
  const object = (message ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const value = object[field.name];
    if (value === undefined || value === null) continue;
    if (field.map) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length > 0)
        out[field.name] = Object.fromEntries(entries.map(([k, v]) => [k, fieldValue(field, v)]));
    } else if (field.repeated) {
      if (Array.isArray(value) && value.length > 0)
        out[field.name] = value.map((v: unknown) => fieldValue(field, v));
    } else if (field.partOf || !isDefault(field, value)) {
      out[field.name] = fieldValue(field, value);
    }
    if (field.name in out && field.options?.['(udpa.annotations.sensitive)'] === true)
      out[field.name] = redacted(out[field.name]);
  }
  return out;
}

/** The message (decoded, `__Output` shaped) of `typeUrl` as Envoy's admin JSON; unknown types pass through. */
export function protoJson(typeUrl: string, message: object): object {
  let type: TypeInfo;
  try {
    type = messageType(messageNameOf(typeUrl)) as unknown as TypeInfo;
  } catch {
    return message;
  }
  return messageJson(type, message);
}
