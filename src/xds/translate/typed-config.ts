// Packing embedded messages (filters, access loggers) into Any while remembering what was packed, so tests can
// check every embedded field survived encoding and golden files can show embedded messages readably.
import { packAny, type KnownTypeUrl, type InputMessages, type PackedAny } from '../protos/index.ts';
import { extensionMessageUrls, packExtension, type ExtensionMessages } from './extension-messages.ts';

const sources = new WeakMap<PackedAny, object>();

/** Packs `message` as an Any of `typeUrl`. */
export function packTyped<U extends KnownTypeUrl>(typeUrl: U, message: InputMessages[U]): PackedAny;
export function packTyped<U extends keyof ExtensionMessages>(
  typeUrl: U,
  message: ExtensionMessages[U],
): PackedAny;
export function packTyped(typeUrl: string, message: object): PackedAny {
  const any =
    typeUrl in extensionMessageUrls
      ? packExtension(typeUrl as keyof ExtensionMessages, message as never)
      : packAny(typeUrl, message);
  sources.set(any, message);
  return any;
}

/** The message an Any produced by packTyped was built from. */
export function sourceOfAny(any: object): object | undefined {
  return sources.get(any as PackedAny);
}
