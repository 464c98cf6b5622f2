// Packing embedded messages (filters, access loggers) into Any while remembering what was packed, so tests can
// check every embedded field survived encoding and golden files can show embedded messages readably.
import { packAny, type KnownTypeUrl, type InputMessages, type PackedAny } from '../protos/index.ts';

const sources = new WeakMap<PackedAny, object>();

/** Packs `message` as an Any of `typeUrl`. */
export function packTyped<U extends KnownTypeUrl>(typeUrl: U, message: InputMessages[U]): PackedAny {
  const any = packAny(typeUrl, message);
  sources.set(any, message);
  return any;
}

/** The message an Any produced by packTyped was built from. */
export function sourceOfAny(any: object): object | undefined {
  return sources.get(any as PackedAny);
}
