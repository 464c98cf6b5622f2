// Starts, updates and drains listeners as configs change, in two steps so a configuration applies whole or not at
// all: `prepare` binds every new socket (nothing visible changes), `commit` swaps scopes and drains what went away.
import type { ListenerConfig } from '../config/listener-types.ts';
import type { HttpScope } from '../http/router.ts';
import { HttpListener } from './http-listener.ts';
import type { RunningListener } from './http-listener.ts';
import { ListenerBindError } from './listener-bind-error.ts';
import type { ListenerBindFailure } from './listener-bind-error.ts';
import { TcpListener } from './tcp-listener.ts';
import type { TcpScope } from './tcp-listener.ts';

/**
 * Builds the scope a listener serves with. Returning the very scope a running listener already has means
 * "unchanged": the listener is left alone.
 */
export interface ListenerScopes {
  http(config: ListenerConfig): HttpScope;
  tcp(config: ListenerConfig): TcpScope;
}

/** A prepared listener set: every new socket is bound; `commit` (synchronous, cannot fail) makes it live. */
export interface ListenerPlan {
  commit(): void;
}

type Running = HttpListener | TcpListener;
type Scope = HttpScope | TcpScope;

interface Entry {
  readonly listener: Running;
  readonly scope: Scope;
}

function sameSocket(a: ListenerConfig, b: ListenerConfig): boolean {
  const codec = (c: ListenerConfig): string => (c.filter.kind === 'http' ? c.filter.codec : 'tcp');
  return a.host === b.host && a.port === b.port && a.filter.kind === b.filter.kind && codec(a) === codec(b);
}

function drainTimeoutOf(c: ListenerConfig): number {
  return c.filter.kind === 'http' ? c.filter.drainTimeoutMs : 5_000;
}

function scopeFor(config: ListenerConfig, scopes: ListenerScopes): Scope {
  return config.filter.kind === 'http' ? scopes.http(config) : scopes.tcp(config);
}

function create(config: ListenerConfig, scope: Scope): Running {
  return config.filter.kind === 'http'
    ? new HttpListener(config, scope as HttpScope)
    : new TcpListener(config, scope as TcpScope);
}

function setScope(listener: Running, scope: Scope): void {
  if (listener instanceof HttpListener) listener.setScope(scope as HttpScope);
  else listener.setScope(scope as TcpScope);
}

/** Binds every entry; returns the failures (the ones that bound stay bound). */
async function bindAll(entries: readonly Entry[]): Promise<ListenerBindFailure[]> {
  const results = await Promise.allSettled(entries.map((e) => e.listener.listen()));
  const failures: ListenerBindFailure[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') return;
    const { config } = entries[i]!.listener;
    const reason = r.reason instanceof Error ? r.reason.message : String(r.reason);
    failures.push({ listener: config.name, host: config.host, port: config.port, reason });
  });
  return failures;
}

export class ListenerManager {
  #listeners = new Map<string, Entry>();
  readonly #draining = new Set<Promise<void>>();

  get(name: string): RunningListener | undefined {
    return this.#listeners.get(name)?.listener;
  }

  all(): Iterable<RunningListener> {
    return [...this.#listeners.values()].map((e) => e.listener);
  }

  /**
   * Binds the sockets `configs` needs and builds every scope, without changing what serves. Rejects with a
   * ListenerBindError naming every listener that could not bind; then the running listeners are as before.
   *
   * A new socket on a port a replaced listener holds (same name with another codec, or a listener that takes
   * over a removed one's port) cannot bind before that listener lets go: those are bound last, after the
   * holders stop accepting. If one of them fails, the holders are started again with their old scope.
   */
  async prepare(configs: ReadonlyMap<string, ListenerConfig>, scopes: ListenerScopes): Promise<ListenerPlan> {
    const kept = new Map<string, { entry: Entry; scope: Scope }>();
    const replaced: Entry[] = [];
    for (const [name, entry] of this.#listeners) {
      const config = configs.get(name);
      if (config && sameSocket(config, entry.listener.config))
        kept.set(name, { entry, scope: scopeFor(config, scopes) });
      else replaced.push(entry);
    }
    const heldPorts = new Map<number, Entry[]>();
    for (const entry of replaced) {
      const port = entry.listener.port;
      heldPorts.set(port, [...(heldPorts.get(port) ?? []), entry]);
    }
    const direct: Entry[] = [];
    const reuse: Entry[] = [];
    for (const [name, config] of configs) {
      if (kept.has(name)) continue;
      const scope = scopeFor(config, scopes);
      const entry = { listener: create(config, scope), scope };
      (config.port !== 0 && heldPorts.has(config.port) ? reuse : direct).push(entry);
    }

    const failures = await bindAll(direct);
    if (failures.length > 0) {
      for (const e of direct) void e.listener.drain(0);
      throw new ListenerBindError(failures);
    }
    const stopped = new Set<Entry>();
    if (reuse.length > 0) {
      for (const e of reuse) {
        for (const holder of heldPorts.get(e.listener.config.port) ?? []) {
          if (stopped.has(holder)) continue;
          stopped.add(holder);
          this.#drain(holder.listener, drainTimeoutOf(holder.listener.config));
        }
      }
      const late = await bindAll(reuse);
      if (late.length > 0) {
        for (const e of [...direct, ...reuse]) void e.listener.drain(0);
        throw new ListenerBindError([...late, ...(await this.#restore(stopped))]);
      }
    }

    return {
      commit: () => {
        const next = new Map<string, Entry>();
        for (const [name, { entry, scope }] of kept) {
          if (scope !== entry.scope) setScope(entry.listener, scope);
          next.set(name, { listener: entry.listener, scope });
        }
        for (const e of [...direct, ...reuse]) next.set(e.listener.config.name, e);
        for (const e of replaced) {
          if (!stopped.has(e)) this.#drain(e.listener, drainTimeoutOf(e.listener.config));
        }
        this.#listeners = next;
      },
    };
  }

  /** Starts stopped listeners again, same config and scope, on fresh sockets (the old ones are draining). */
  async #restore(stopped: ReadonlySet<Entry>): Promise<ListenerBindFailure[]> {
    const failures: ListenerBindFailure[] = [];
    for (const old of stopped) {
      const { config } = old.listener;
      const again = { listener: create(config, old.scope), scope: old.scope };
      const [failure] = await bindAll([again]);
      if (!failure) {
        this.#listeners.set(config.name, again);
        continue;
      }
      // Someone else took the port in the gap: the old listener is gone; the next configuration binds it anew.
      this.#listeners.delete(config.name);
      failures.push({ ...failure, reason: `restarting the replaced listener: ${failure.reason}` });
    }
    return failures;
  }

  #drain(listener: RunningListener, ms: number): void {
    const p = listener.drain(ms).finally(() => this.#draining.delete(p));
    this.#draining.add(p);
  }

  /** Drains every listener; resolves when all are closed. */
  async close(drainMs: number): Promise<void> {
    for (const e of this.#listeners.values()) this.#drain(e.listener, drainMs);
    this.#listeners = new Map();
    await Promise.all([...this.#draining]);
  }
}
