// An in-memory copy of every mesh, loaded from the store and kept current from its change feed; the
// translation input of the xDS side.

import type { Logger } from 'pino';
import { resourcePath, type ResourceKey } from '../../model/resource-key.ts';
import type { ResourceRecord } from '../../model/resource-record.ts';
import type { Change, Store, Watch } from '../../store/store.ts';
import { buildMeshState, type MeshState } from '../../xds/translate/index.ts';

/** Called with each committed batch of changes, after the state reflects them. */
export type MeshChangeListener = (changes: readonly Change[]) => void;

const everything = { limit: Number.MAX_SAFE_INTEGER };

export class MeshStates {
  readonly #records = new Map<string, Map<string, ResourceRecord>>();
  readonly #built = new Map<string, MeshState>();
  readonly #listeners = new Set<MeshChangeListener>();
  #watch: Watch | undefined;
  #revision = 0;

  /** Reads every mesh from `store`, then follows its change feed. */
  static async load(store: Store, logger: Logger): Promise<MeshStates> {
    const states = new MeshStates();
    const revision = await store.currentRevision();
    const records = await store.read(async (tx) => {
      const all: ResourceRecord[] = [];
      for (const mesh of await tx.list({ kind: 'mesh' }, everything)) {
        all.push(mesh);
        const meshName = mesh.name;
        for (const kind of [
          'virtualService',
          'virtualNode',
          'virtualRouter',
          'virtualGateway',
          'trafficPermission',
        ] as const) {
          const items = await tx.list({ kind, meshName }, everything);
          all.push(...items);
          if (kind === 'virtualRouter' || kind === 'virtualGateway') {
            const childKind = kind === 'virtualRouter' ? 'route' : 'gatewayRoute';
            for (const parent of items)
              all.push(
                ...(await tx.list({ kind: childKind, meshName, parentName: parent.name }, everything)),
              );
          }
        }
      }
      return all;
    });
    for (const record of records) states.#put(record);
    states.#revision = revision;
    states.#watch = store.watch(revision, {
      onChanges: (changes) => states.#apply(changes),
      onError: (error) =>
        logger.error({ err: error }, 'mesh state lost the store change feed; restart the control plane'),
    });
    logger.info({ records: records.length, revision }, 'mesh state loaded');
    return states;
  }

  get revision(): number {
    return this.#revision;
  }

  meshNames(): string[] {
    return [...this.#records.keys()];
  }

  /** The translation input for one mesh (built once per change), or undefined when the mesh does not exist. */
  state(meshName: string): MeshState | undefined {
    const cached = this.#built.get(meshName);
    if (cached) return cached;
    const records = this.#records.get(meshName);
    if (!records || ![...records.values()].some((r) => r.kind === 'mesh')) return undefined;
    const built = buildMeshState(records.values());
    this.#built.set(meshName, built);
    return built;
  }

  onChange(listener: MeshChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#watch?.close();
    this.#listeners.clear();
  }

  #put(record: ResourceRecord): void {
    let mesh = this.#records.get(record.meshName);
    if (!mesh) this.#records.set(record.meshName, (mesh = new Map()));
    mesh.set(resourcePath(record), record);
    this.#built.delete(record.meshName);
  }

  #delete(key: ResourceKey): void {
    const mesh = this.#records.get(key.meshName);
    if (!mesh) return;
    mesh.delete(resourcePath(key));
    if (mesh.size === 0) this.#records.delete(key.meshName);
    this.#built.delete(key.meshName);
  }

  #apply(changes: readonly Change[]): void {
    for (const change of changes) {
      if (change.op === 'put') this.#put(change.record);
      else this.#delete(change.key);
      this.#revision = change.revision;
    }
    for (const listener of this.#listeners) listener(changes);
  }
}
