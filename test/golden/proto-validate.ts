// A generic checker for the protoc-gen-validate rules annotated in Envoy's protos (`(validate.rules)` on fields,
// `(validate.required)` on oneofs), applied to decoded messages the way Envoy applies them when it loads config.
// Covers the rule kinds Envoy's protos use on the messages we emit; an unknown rule kind is reported, not skipped.
import protobuf from 'protobufjs';
import { messageNameOf, messageType } from '../../src/xds/protos/index.ts';

type Obj = Record<string, unknown>;
type Rules = Record<string, unknown>;

const decodeOptions: protobuf.IConversionOptions = { longs: String, enums: String, oneofs: true };
const wrapperNames = new Set(
  ['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map(
    (w) => `google.protobuf.${w}Value`,
  ),
);

/** Decodes wire bytes of `typeName` into a plain object (fields present on the wire only). */
export function decodePlain(typeName: string, bytes: Uint8Array): Obj {
  const type = messageType(typeName);
  return type.toObject(type.decode(bytes), decodeOptions) as Obj;
}

function rulesOf(options: readonly Obj[] | null | undefined, key: string): Rules | undefined {
  const found = options?.find((o) => key in o);
  return found?.[key] as Rules | undefined;
}

function durationNanos(value: unknown): number {
  const d = (value ?? {}) as { seconds?: string | number; nanos?: number };
  return Number(d.seconds ?? 0) * 1e9 + Number(d.nanos ?? 0);
}

/** Repeated option values parse as a scalar when the list has one element. */
function listOf(value: unknown): unknown[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? value : [value];
}

function compareBounds(
  value: number,
  rules: Rules,
  path: string,
  out: string[],
  asNumber: (v: unknown) => number,
) {
  const bound = (name: string) => (rules[name] === undefined ? undefined : asNumber(rules[name]));
  const [gt, gte, lt, lte] = ['gt', 'gte', 'lt', 'lte'].map(bound);
  if (gt !== undefined && !(value > gt)) out.push(`${path}: must be > ${gt}, is ${value}`);
  if (gte !== undefined && !(value >= gte)) out.push(`${path}: must be >= ${gte}, is ${value}`);
  if (lt !== undefined && !(value < lt)) out.push(`${path}: must be < ${lt}, is ${value}`);
  if (lte !== undefined && !(value <= lte)) out.push(`${path}: must be <= ${lte}, is ${value}`);
  const inList = listOf(rules.in);
  if (inList?.length && !inList.map(asNumber).includes(value)) out.push(`${path}: ${value} not in ${inList}`);
  const notIn = listOf(rules.not_in);
  if (notIn?.map(asNumber).includes(value)) out.push(`${path}: ${value} is excluded`);
  if (rules.const !== undefined && asNumber(rules.const) !== value)
    out.push(`${path}: must be ${rules.const}`);
}

const headerName = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
const forbiddenInHeaderValue = ['\0', '\n', '\r'];

function checkString(value: string, rules: Rules, path: string, out: string[]): void {
  const length = [...value].length;
  const bytes = Buffer.byteLength(value);
  if (rules.ignore_empty === true && value === '') return;
  if (rules.min_len !== undefined && length < Number(rules.min_len))
    out.push(`${path}: shorter than ${rules.min_len}`);
  if (rules.max_len !== undefined && length > Number(rules.max_len))
    out.push(`${path}: longer than ${rules.max_len}`);
  if (rules.min_bytes !== undefined && bytes < Number(rules.min_bytes))
    out.push(`${path}: under ${rules.min_bytes} bytes`);
  if (rules.max_bytes !== undefined && bytes > Number(rules.max_bytes))
    out.push(`${path}: over ${rules.max_bytes} bytes`);
  if (typeof rules.prefix === 'string' && !value.startsWith(rules.prefix))
    out.push(`${path}: lacks prefix ${rules.prefix}`);
  if (typeof rules.pattern === 'string' && !new RegExp(rules.pattern, 'u').test(value)) {
    out.push(`${path}: does not match ${rules.pattern}`);
  }
  const inList = listOf(rules.in) as string[] | undefined;
  if (inList?.length && !inList.includes(value)) out.push(`${path}: ${value} not in ${inList}`);
  if (rules.well_known_regex === 'HTTP_HEADER_NAME' && value !== '' && !headerName.test(value)) {
    out.push(`${path}: not an HTTP header name: ${value}`);
  }
  if (
    rules.well_known_regex === 'HTTP_HEADER_VALUE' &&
    forbiddenInHeaderValue.some((c) => value.includes(c))
  ) {
    out.push(`${path}: not an HTTP header value`);
  }
}

const numericKinds = new Set([
  'uint32',
  'int32',
  'uint64',
  'int64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'double',
  'float',
]);

/** Applies one field's rules to its (possibly absent) value. */
function checkField(field: protobuf.Field, value: unknown, rules: Rules, path: string, out: string[]): void {
  for (const [kind, body] of Object.entries(rules) as [string, Rules][]) {
    if (kind === 'message') {
      if (body.required === true && value === undefined) out.push(`${path}: required`);
    } else if (kind === 'repeated') {
      const list = (value as unknown[] | undefined) ?? [];
      if (body.ignore_empty === true && list.length === 0) continue;
      if (body.min_items !== undefined && list.length < Number(body.min_items))
        out.push(`${path}: fewer than ${body.min_items} items`);
      if (body.max_items !== undefined && list.length > Number(body.max_items))
        out.push(`${path}: more than ${body.max_items} items`);
      if (body.unique === true && new Set(list.map((v) => JSON.stringify(v))).size !== list.length)
        out.push(`${path}: items not unique`);
      const items = body.items as Rules | undefined;
      if (items) list.forEach((item, i) => checkField(field, item, items, `${path}[${i}]`, out));
    } else if (kind === 'map') {
      const entries = Object.entries((value as Obj | undefined) ?? {});
      if (body.min_pairs !== undefined && entries.length < Number(body.min_pairs))
        out.push(`${path}: fewer than ${body.min_pairs} pairs`);
      const values = body.values as Rules | undefined;
      const keys = body.keys as Rules | undefined;
      for (const [k, v] of entries) {
        if (keys?.string) checkString(k, keys.string as Rules, `${path}{${k}}`, out);
        if (values) checkField(field, v, values, `${path}{${k}}`, out);
      }
    } else if (kind === 'string') {
      // A wrapper (StringValue) is only checked when set; a plain string's absence means ''.
      if (value === undefined && wrapperNames.has(field.resolvedType?.fullName.slice(1) ?? '')) continue;
      const text =
        typeof value === 'object' && value !== null
          ? String((value as Obj).value ?? '')
          : String(value ?? '');
      checkString(text, body, path, out);
    } else if (numericKinds.has(kind)) {
      if (value === undefined && field.resolvedType) continue;
      if (body.ignore_empty === true && (value === undefined || Number(value) === 0)) continue;
      const raw = typeof value === 'object' && value !== null ? (value as Obj).value : value;
      compareBounds(Number(raw ?? 0), body, path, out, Number);
    } else if (kind === 'duration') {
      if (value === undefined) {
        if (body.required === true) out.push(`${path}: required`);
        continue;
      }
      compareBounds(durationNanos(value), body, path, out, durationNanos);
    } else if (kind === 'enum') {
      const type = field.resolvedType as protobuf.Enum;
      const name = String(value ?? Object.keys(type.values)[0]);
      if (body.defined_only === true && !(name in type.values))
        out.push(`${path}: undefined enum value ${name}`);
      const notIn = listOf(body.not_in) as number[] | undefined;
      if (notIn?.includes(type.values[name]!)) out.push(`${path}: enum value ${name} is excluded`);
      const inList = listOf(body.in) as number[] | undefined;
      if (inList?.length && !inList.includes(type.values[name]!))
        out.push(`${path}: enum value ${name} not allowed`);
    } else if (kind === 'any') {
      if (body.required === true && value === undefined) out.push(`${path}: required`);
    } else if (kind === 'bool') {
      if (body.const !== undefined && Boolean(value) !== body.const)
        out.push(`${path}: must be ${body.const}`);
    } else if (kind === 'bytes' || kind === 'timestamp') {
      if (value === undefined && body.required === true) out.push(`${path}: required`);
    } else {
      out.push(`${path}: rule kind ${kind} is not checked by this validator`);
    }
  }
}

/** Every rule violation in `message` (a decoded plain object of `typeName`), recursing into Any payloads. */
export function validateMessage(typeName: string, message: Obj, path: string, out: string[] = []): string[] {
  const type = messageType(typeName);
  for (const oneof of type.oneofsArray) {
    const required =
      rulesOf(oneof.parsedOptions as unknown as Obj[] | null, '(validate.required)') ??
      oneof.options?.['(validate.required)'];
    if (required === true && !oneof.oneof.some((name) => message[name] !== undefined)) {
      out.push(`${path}: one of ${oneof.oneof.join(', ')} is required`);
    }
  }
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    const rules = rulesOf(field.parsedOptions as unknown as Obj[] | null, '(validate.rules)');
    const fieldPath = `${path}.${field.name}`;
    // A oneof member's rules apply only when it is the member that is set.
    const inactive = field.partOf !== null && message[field.partOf.name] !== field.name;
    if (rules && !inactive) checkField(field, value, rules, fieldPath, out);
    if (value === undefined || !(field.resolvedType instanceof protobuf.Type)) continue;
    const childName = field.resolvedType.fullName.slice(1);
    const children: [unknown, string][] = field.map
      ? Object.entries(value as Obj).map(([k, v]) => [v, `${fieldPath}{${k}}`])
      : field.repeated
        ? (value as unknown[]).map((v, i) => [v, `${fieldPath}[${i}]`])
        : [[value, fieldPath]];
    for (const [child, childPath] of children) {
      if (childName === 'google.protobuf.Any') {
        const any = child as { type_url: string; value: Uint8Array };
        const innerName = messageNameOf(any.type_url);
        validateMessage(innerName, decodePlain(innerName, any.value), `${childPath}<${innerName}>`, out);
      } else {
        validateMessage(childName, child as Obj, childPath, out);
      }
    }
  }
  return out;
}
