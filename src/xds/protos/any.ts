// Packing Envoy messages into google.protobuf.Any and back, through the shared Envoy Root.
import { asBuffer } from './as-buffer.ts';
import { messageType, toObjectOptions } from './envoy-root.ts';
import { messageNameOf } from './type-urls.ts';
import type { InputMessages, KnownTypeUrl, OutputMessages } from './type-urls.ts';

/** An Any as it appears in plain-object messages (what protobufjs `fromObject` accepts and `toObject` returns). */
export interface PackedAny {
  readonly type_url: string;
  readonly value: Buffer;
}

/** Anything Any-shaped, e.g. a decoded `Any__Output` or a `PackedAny`. */
export interface AnyLike {
  readonly type_url: string;
  readonly value: Uint8Array;
}

/** Encodes a message (plain object, generated input type) as its wire bytes. */
export function encodeMessage<U extends KnownTypeUrl>(typeUrl: U, message: InputMessages[U]): Buffer;
export function encodeMessage(typeUrl: string, message: object): Buffer;
export function encodeMessage(typeUrl: string, message: object): Buffer {
  const type = messageType(messageNameOf(typeUrl));
  const built = type.fromObject(message as Record<string, unknown>);
  const problem = type.verify(built);
  if (problem !== null) throw new Error(`invalid ${type.fullName.slice(1)}: ${problem}`);
  return asBuffer(type.encode(built).finish());
}

/** Wraps a message in an Any of the given type URL. */
export function packAny<U extends KnownTypeUrl>(typeUrl: U, message: InputMessages[U]): PackedAny;
export function packAny(typeUrl: string, message: object): PackedAny;
export function packAny(typeUrl: string, message: object): PackedAny {
  return { type_url: typeUrl, value: encodeMessage(typeUrl, message) };
}

/**
 * Decodes an Any into a plain object shaped like the generated `__Output` types. With `expected`, the
 * Any must carry that type URL (a mismatch throws) and the result is typed accordingly.
 */
export function unpackAny<U extends KnownTypeUrl>(any: AnyLike, expected: U): OutputMessages[U];
export function unpackAny(any: AnyLike): unknown;
export function unpackAny(any: AnyLike, expected?: string): unknown {
  if (expected !== undefined && any.type_url !== expected) {
    throw new Error(`expected an Any of ${expected}, got ${any.type_url}`);
  }
  const type = messageType(messageNameOf(any.type_url));
  try {
    return type.toObject(type.decode(any.value), toObjectOptions);
  } catch (cause) {
    throw new Error(`cannot decode ${any.type_url}`, { cause });
  }
}
