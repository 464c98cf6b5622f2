// What the xDS client holds per type: the last accepted version, message and decoded config of every resource.
import type { Decoded } from '../config/proxy-config.ts';
import type { ResourceConfig, ResourceMessage } from './resource-kinds.ts';

export interface HeldResource {
  readonly version: string;
  readonly message: ResourceMessage;
  /** Decoded when accepted; the same object until the resource changes. */
  readonly config: ResourceConfig;
}

export class ResourceStore {
  readonly #byType = new Map<string, Map<string, HeldResource>>();
  /** Bumped on every change, so the client can tell whether anything moved since the last apply. */
  generation = 0;

  #of(typeUrl: string): Map<string, HeldResource> {
    let m = this.#byType.get(typeUrl);
    if (!m) this.#byType.set(typeUrl, (m = new Map()));
    return m;
  }

  get(typeUrl: string, name: string): HeldResource | undefined {
    return this.#byType.get(typeUrl)?.get(name);
  }

  has(typeUrl: string, name: string): boolean {
    return this.#byType.get(typeUrl)?.has(name) ?? false;
  }

  set(typeUrl: string, name: string, held: HeldResource): void {
    this.#of(typeUrl).set(name, held);
    this.generation++;
  }

  delete(typeUrl: string, name: string): boolean {
    const deleted = this.#byType.get(typeUrl)?.delete(name) ?? false;
    if (deleted) this.generation++;
    return deleted;
  }

  names(typeUrl: string): string[] {
    return [...(this.#byType.get(typeUrl)?.keys() ?? [])];
  }

  messages<M extends ResourceMessage>(typeUrl: string): M[] {
    return [...(this.#byType.get(typeUrl)?.values() ?? [])].map((h) => h.message as M);
  }

  /** The held resources of a type in decoded form, as the proxy configuration is assembled from them. */
  decoded<M extends ResourceMessage, C extends ResourceConfig>(typeUrl: string): Decoded<M, C>[] {
    return [...(this.#byType.get(typeUrl)?.values() ?? [])].map(
      (h) => ({ message: h.message, config: h.config }) as Decoded<M, C>,
    );
  }

  /** Name → version, for `initial_resource_versions` when a stream is re-established. */
  versions(typeUrl: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, held] of this.#byType.get(typeUrl) ?? []) out[name] = held.version;
    return out;
  }
}
