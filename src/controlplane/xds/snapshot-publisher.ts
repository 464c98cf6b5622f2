// Keeps one xDS snapshot per connected proxy identity current: a store write recomputes exactly the proxies
// whose translation read the changed records (a reverse index of translation dependencies).

import type { Logger } from 'pino';
import { meshKey, parentKeyOf, resourcePath, type ResourceKey } from '../../model/resource-key.ts';
import { Snapshot, type SnapshotCache } from '../../xds/server/index.ts';
import { defaultMeshSecurity, type MeshSecurity, type MeshTracing } from '../../xds/translate/index.ts';
import type { EndpointBook } from './endpoint-book.ts';
import type { MeshStates } from './mesh-states.ts';
import { identityOfKey } from './proxy-identity.ts';
import type { ProxySecrets } from './proxy-secrets.ts';
import { translateProxy } from './proxy-translation.ts';
import { ResourceEncoder } from './resource-encoder.ts';

interface Tracked {
  streams: number;
  dependsOn: readonly string[];
  /** Whether a snapshot was ever set: a proxy that had config and lost its node gets an empty one. */
  published: boolean;
  /** The translation warnings last logged, so an unchanged spec does not repeat them on every push. */
  warnings: string;
}

export class SnapshotPublisher {
  readonly #cache: SnapshotCache;
  readonly #states: MeshStates;
  readonly #endpoints: EndpointBook;
  readonly #logger: Logger;
  readonly #security: MeshSecurity;
  readonly #tracing: MeshTracing | undefined;
  readonly #encoder = new ResourceEncoder();
  readonly #tracked = new Map<string, Tracked>();
  readonly #dependents = new Map<string, Set<string>>();
  readonly #dirty = new Set<string>();
  #flushScheduled = false;
  /** Epoch ms of the oldest write not yet pushed, for the write-to-push log line. */
  #oldestPendingWriteMs: number | undefined;
  #pendingRevision = 0;
  /** The built-in CA's secrets, when the control plane runs one. */
  #secrets: ProxySecrets | undefined;

  constructor(
    cache: SnapshotCache,
    states: MeshStates,
    endpoints: EndpointBook,
    logger: Logger,
    security: MeshSecurity = defaultMeshSecurity,
    secrets?: ProxySecrets,
    tracing?: MeshTracing,
  ) {
    this.#security = security;
    this.#tracing = tracing;
    this.#secrets = secrets;
    this.#cache = cache;
    this.#states = states;
    this.#endpoints = endpoints;
    this.#logger = logger;
  }

  /** A stream resolved to `key`: compute its snapshot now if it is the first. */
  track(key: string): void {
    const tracked = this.#tracked.get(key);
    if (tracked) {
      tracked.streams += 1;
      return;
    }
    this.#tracked.set(key, { streams: 1, dependsOn: [], published: false, warnings: '' });
    this.#recompute(key);
  }

  /** A stream of `key` closed: forget the snapshot once no stream uses it. */
  untrack(key: string): void {
    const tracked = this.#tracked.get(key);
    if (!tracked) return;
    tracked.streams -= 1;
    if (tracked.streams > 0) return;
    this.#index(key, tracked.dependsOn, []);
    this.#tracked.delete(key);
    this.#dirty.delete(key);
    this.#secrets?.forget(key);
    this.#cache.clearSnapshot(key);
  }

  /** Recomputes the named proxies (certificates due for renewal), or all of them (the CA's roots changed). */
  refresh(keys?: readonly string[]): void {
    for (const key of keys ?? this.#tracked.keys()) if (this.#tracked.has(key)) this.#dirty.add(key);
    this.#scheduleFlush();
  }

  /** Records changed (one committed batch): recompute every proxy that read one of them. */
  recordsChanged(keys: readonly ResourceKey[], revision: number, writtenAtMs: number): void {
    for (const key of keys) {
      this.#markDependents(resourcePath(key));
      // A new route is read by nobody yet; whoever read its router must see it.
      const parent = parentKeyOf(key);
      if (parent && parent.kind !== 'mesh') this.#markDependents(resourcePath(parent));
      // A new traffic permission is read by nobody yet: every proxy of its mesh reads the mesh record.
      if (key.kind === 'trafficPermission') this.#markDependents(resourcePath(meshKey(key.meshName)));
    }
    this.#pendingRevision = Math.max(this.#pendingRevision, revision);
    this.#oldestPendingWriteMs = Math.min(this.#oldestPendingWriteMs ?? writtenAtMs, writtenAtMs);
    this.#scheduleFlush();
  }

  /** A node's resolved endpoints changed: recompute every proxy that routes to it. */
  endpointsChanged(meshName: string, nodeName: string): void {
    this.#markDependents(`mesh/${meshName}/virtualNode/${nodeName}`);
    this.#scheduleFlush();
  }

  /** Proxy identities currently served, for status pages. */
  trackedKeys(): string[] {
    return [...this.#tracked.keys()];
  }

  #markDependents(path: string): void {
    for (const key of this.#dependents.get(path) ?? []) this.#dirty.add(key);
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    if (this.#dirty.size === 0) {
      // A write no proxy read pushes nothing: it must not count as pending for the next push's latency.
      this.#oldestPendingWriteMs = undefined;
      return;
    }
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    const keys = [...this.#dirty];
    this.#dirty.clear();
    const started = performance.now();
    for (const key of keys) this.#recompute(key);
    if (keys.length > 0) {
      this.#logger.info(
        {
          revision: this.#pendingRevision,
          proxies: keys.length,
          translateMs: Math.round((performance.now() - started) * 100) / 100,
          writeToPushMs:
            this.#oldestPendingWriteMs === undefined ? undefined : Date.now() - this.#oldestPendingWriteMs,
        },
        'xds snapshots pushed',
      );
    }
    this.#oldestPendingWriteMs = undefined;
  }

  #recompute(key: string): void {
    const tracked = this.#tracked.get(key);
    if (!tracked) return;
    const identity = identityOfKey(key);
    let output;
    try {
      output = translateProxy(
        this.#states.state(identity.meshName),
        identity,
        this.#endpoints.endpointsFor(identity.meshName),
        this.#security,
        this.#tracing,
      );
    } catch (error) {
      this.#logger.error(
        { err: error, proxy: key },
        'translation failed; the proxy keeps its last configuration',
      );
      return;
    }
    const warnings = [...(output.warnings ?? [])];
    if (warnings.join('\n') !== tracked.warnings) {
      tracked.warnings = warnings.join('\n');
      // Loud on purpose: the spec asks for something (often TLS) this proxy will not get.
      const proxy = `mesh/${identity.meshName}/${identity.kind}/${identity.name}`;
      for (const warning of warnings) this.#logger.warn({ proxy }, `spec not applied: ${warning}`);
    }
    const dependsOn = output.dependsOn.map(resourcePath);
    if (dependsOn.join('\n') !== tracked.dependsOn.join('\n')) {
      this.#index(key, tracked.dependsOn, dependsOn);
      tracked.dependsOn = dependsOn;
    }
    if (this.#secrets) {
      try {
        const state = this.#states.state(identity.meshName);
        const secrets = this.#secrets.secretsFor(key, identity, state, output);
        const ours = new Set(secrets.map((secret) => secret.name));
        output = {
          ...output,
          secrets: [...output.secrets.filter((s) => !ours.has(s.name ?? '')), ...secrets],
        };
      } catch (error) {
        // The message names no key material: issuance errors come from the CA's certificate or clock.
        this.#logger.error(
          { err: error, proxy: key },
          'issuing the proxy certificate failed; the proxy keeps its last configuration',
        );
        return;
      }
    }
    const resources = this.#encoder.encodeAll(output);
    if (resources.length === 0 && !tracked.published) return;
    this.#cache.setSnapshot(key, new Snapshot(resources));
    tracked.published = true;
  }

  #index(key: string, before: readonly string[], after: readonly string[]): void {
    for (const path of before) {
      const set = this.#dependents.get(path);
      set?.delete(key);
      if (set?.size === 0) this.#dependents.delete(path);
    }
    for (const path of after) {
      let set = this.#dependents.get(path);
      if (!set) this.#dependents.set(path, (set = new Set()));
      set.add(key);
    }
  }
}
