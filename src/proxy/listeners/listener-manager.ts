// Starts, updates and drains listeners as configs change: same address → swap scope; otherwise replace and drain.
import type { ListenerConfig } from '../config/listener-types.ts';
import type { HttpScope } from '../http/router.ts';
import { HttpListener } from './http-listener.ts';
import type { RunningListener } from './http-listener.ts';
import { TcpListener } from './tcp-listener.ts';
import type { TcpScope } from './tcp-listener.ts';

export interface ListenerScopes {
  http(config: ListenerConfig): HttpScope;
  tcp(config: ListenerConfig): TcpScope;
}

type Running = HttpListener | TcpListener;

function sameSocket(a: ListenerConfig, b: ListenerConfig): boolean {
  const codec = (c: ListenerConfig): string => (c.filter.kind === 'http' ? c.filter.codec : 'tcp');
  return a.host === b.host && a.port === b.port && a.filter.kind === b.filter.kind && codec(a) === codec(b);
}

function drainTimeoutOf(c: ListenerConfig): number {
  return c.filter.kind === 'http' ? c.filter.drainTimeoutMs : 5_000;
}

export class ListenerManager {
  #listeners = new Map<string, Running>();
  readonly #draining = new Set<Promise<void>>();

  get(name: string): RunningListener | undefined {
    return this.#listeners.get(name);
  }

  all(): Iterable<RunningListener> {
    return this.#listeners.values();
  }

  /** Applies the whole listener set; rejects with the bind failures after applying everything else. */
  async apply(configs: ReadonlyMap<string, ListenerConfig>, scopes: ListenerScopes): Promise<void> {
    const next = new Map<string, Running>();
    const failures: string[] = [];
    // Listeners that go away, or change socket settings, release their port before new ones bind.
    for (const [name, running] of this.#listeners) {
      const config = configs.get(name);
      if (config && sameSocket(config, running.config)) continue;
      this.#drain(running, drainTimeoutOf(running.config));
    }
    for (const [name, config] of configs) {
      const existing = this.#listeners.get(name);
      if (existing && sameSocket(config, existing.config)) {
        if (existing instanceof HttpListener && config.filter.kind === 'http')
          existing.setScope(scopes.http(config));
        else if (existing instanceof TcpListener && config.filter.kind === 'tcp')
          existing.setScope(scopes.tcp(config));
        next.set(name, existing);
        continue;
      }
      const created: Running =
        config.filter.kind === 'http'
          ? new HttpListener(config, scopes.http(config))
          : new TcpListener(config, scopes.tcp(config));
      try {
        await created.listen();
        next.set(name, created);
      } catch (cause) {
        failures.push(
          `listener "${name}" cannot bind ${config.host}:${config.port}: ${(cause as Error).message}`,
        );
      }
    }
    this.#listeners = next;
    if (failures.length > 0) throw new Error(failures.join('; '));
  }

  #drain(listener: RunningListener, ms: number): void {
    const p = listener.drain(ms).finally(() => this.#draining.delete(p));
    this.#draining.add(p);
  }

  /** Drains every listener; resolves when all are closed. */
  async close(drainMs: number): Promise<void> {
    for (const l of this.#listeners.values()) this.#drain(l, drainMs);
    this.#listeners = new Map();
    await Promise.all([...this.#draining]);
  }
}
