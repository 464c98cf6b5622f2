// An xDS resource encoded once: name, content-hash version and wire bytes, shared by every stream that sends it.
import { createHash } from 'node:crypto';
import protobuf from 'protobufjs';
import { encodeMessage } from './any.ts';
import { finishWriter as finish } from './as-buffer.ts';
import type { PackedAny } from './any.ts';
import { typeUrls } from './type-urls.ts';
import type { InputMessages, ResourceTypeUrl } from './type-urls.ts';

/**
 * Immutable; build it once per content change and hand the same object to every node snapshot that holds it,
 * so serialization happens once however many streams send it.
 */
export class Resource {
  readonly typeUrl: string;
  readonly name: string;
  /** Content hash of the encoded message: equal bytes, equal version (the delta per-resource version). */
  readonly version: string;
  readonly any: PackedAny;
  #anyBytes: Buffer | undefined;
  #deltaBytes: Buffer | undefined;

  constructor(name: string, any: PackedAny) {
    if (name === '') throw new Error(`a ${any.type_url} resource needs a name`);
    this.typeUrl = any.type_url;
    this.name = name;
    this.any = any;
    this.version = createHash('sha256')
      .update(any.type_url)
      .update(any.value)
      .digest('base64url')
      .slice(0, 22);
  }

  /** Wire bytes of the google.protobuf.Any (an element of DiscoveryResponse.resources). */
  get anyBytes(): Buffer {
    this.#anyBytes ??= finish(
      protobuf.Writer.create().uint32(10).string(this.typeUrl).uint32(18).bytes(this.any.value),
    );
    return this.#anyBytes;
  }

  /** Wire bytes of envoy.service.discovery.v3.Resource {version, resource, name} (an element of delta responses). */
  get deltaBytes(): Buffer {
    this.#deltaBytes ??= finish(
      protobuf.Writer.create()
        .uint32(10)
        .string(this.version)
        .uint32(18)
        .bytes(this.anyBytes)
        .uint32(26)
        .string(this.name),
    );
    return this.#deltaBytes;
  }
}

/** Encodes a top-level resource; its xDS name is `name`, or `cluster_name` for a ClusterLoadAssignment. */
export function createResource<U extends ResourceTypeUrl>(typeUrl: U, message: InputMessages[U]): Resource {
  const fields = message as { name?: string; cluster_name?: string };
  const name = typeUrl === typeUrls.clusterLoadAssignment ? fields.cluster_name : fields.name;
  return new Resource(name ?? '', { type_url: typeUrl, value: encodeMessage(typeUrl, message) });
}
