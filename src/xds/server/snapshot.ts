// An immutable per-node set of xDS resources grouped by type URL, with one content-derived version per type.
import { createHash } from 'node:crypto';
import type { Resource } from '../protos/resource.ts';

const emptyType: ReadonlyMap<string, Resource> = new Map();

export class Snapshot {
  readonly #byType: ReadonlyMap<string, ReadonlyMap<string, Resource>>;
  readonly #versions = new Map<string, string>();

  /** Throws when two resources share a type URL and name: a response may not carry one name twice. */
  constructor(resources: Iterable<Resource>) {
    const byType = new Map<string, Map<string, Resource>>();
    for (const r of resources) {
      let named = byType.get(r.typeUrl);
      if (named === undefined) byType.set(r.typeUrl, (named = new Map()));
      if (named.has(r.name)) throw new Error(`snapshot holds two ${r.typeUrl} resources named "${r.name}"`);
      named.set(r.name, r);
    }
    this.#byType = byType;
  }

  /** Resources of one type by name (empty when the snapshot has none). */
  resources(typeUrl: string): ReadonlyMap<string, Resource> {
    return this.#byType.get(typeUrl) ?? emptyType;
  }

  typeUrls(): string[] {
    return [...this.#byType.keys()];
  }

  /** Version of a type's whole set: a hash of its sorted names and versions, so equal content gives equal versions. */
  version(typeUrl: string): string {
    let v = this.#versions.get(typeUrl);
    if (v === undefined) {
      const hash = createHash('sha256');
      for (const name of [...this.resources(typeUrl).keys()].sort()) {
        hash.update(name).update('\0').update(this.resources(typeUrl).get(name)!.version).update('\0');
      }
      v = hash.digest('base64url').slice(0, 16);
      this.#versions.set(typeUrl, v);
    }
    return v;
  }
}
