// Conversions of protobuf well-known values (Duration, wrappers) as protobufjs toObject renders them.

export interface DurationLike {
  readonly seconds: string | number;
  readonly nanos: number;
}

/** Milliseconds of a Duration, or `undefined` when the field is unset. */
export function durationMs(d: DurationLike | null | undefined): number | undefined {
  if (d === null || d === undefined) return undefined;
  return Number(d.seconds) * 1000 + Math.round(d.nanos / 1e6);
}

export function uint32Value(w: { readonly value: number } | null | undefined): number | undefined {
  return w === null || w === undefined ? undefined : w.value;
}

export function boolValue(w: { readonly value: boolean } | null | undefined): boolean | undefined {
  return w === null || w === undefined ? undefined : w.value;
}

/** Freezes plain objects and arrays recursively; class instances (compiled matchers) are left as they are. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  const plain = proto === Object.prototype || proto === null || Array.isArray(value);
  if (value instanceof Map) {
    for (const v of value.values()) deepFreeze(v);
    return value;
  }
  if (!plain) return value;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
  return value;
}
