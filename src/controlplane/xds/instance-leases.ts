// Ties registry instances to the xDS stream of the proxy that registered them: once no stream of that proxy
// has been open for the grace period, its instances are deregistered (and callers' EDS drops them).

import type { Logger } from 'pino';
import { RegistryNotFoundError } from '../../registry/registry-errors.ts';
import type { Instance } from '../../registry/registry-model.ts';
import type { RegistryStore } from '../../registry/registry-store.ts';
import type { Node__Output } from '../../xds/protos/index.ts';
import { nodeMetadataKeys, proxyTokenAttribute, proxyTokenPattern } from '../../xds/protos/node-metadata.ts';

/**
 * The contract with the sidecar: a proxy picks a random token when its process starts, sends it as this node
 * metadata key on every xDS stream, and registers its instances with the token as this attribute. The token
 * changes with every process, so a restarted sidecar's re-registration is never removed for its predecessor.
 */
export const proxyTokenMetadataKey = nodeMetadataKeys.proxyToken;
export { proxyTokenAttribute };
const tokenPattern = proxyTokenPattern;

export interface LeaseTimer {
  cancel(): void;
}
/** Schedules `fn` once after `ms`; must not keep the process alive. Tests inject their own. */
export type SetLeaseTimer = (fn: () => void, ms: number) => LeaseTimer;

const systemTimer: SetLeaseTimer = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
};

/** The proxy token a node presents, if any: a string value of `switchyard.proxy_token`. */
export function proxyTokenOf(node: Node__Output): string | { readonly error: string } | undefined {
  const fields = (node.metadata as { fields?: Record<string, Record<string, unknown>> } | null)?.fields;
  const value = fields?.[proxyTokenMetadataKey];
  if (value === undefined) return undefined;
  const text = value['stringValue'] ?? value['string_value'];
  if (typeof text !== 'string' || !tokenPattern.test(text)) {
    return {
      error: `node metadata ${proxyTokenMetadataKey} must be a string of 8-128 characters [A-Za-z0-9_.:-]`,
    };
  }
  return text;
}

export interface InstanceLeasesOptions {
  readonly registry: RegistryStore;
  /** How long a proxy's instances outlive its last stream (a restart or a network blip fits in it). */
  readonly graceMs: number;
  readonly logger: Logger;
  readonly setTimer?: SetLeaseTimer;
}

export class InstanceLeases {
  readonly #registry: RegistryStore;
  readonly #graceMs: number;
  readonly #logger: Logger;
  readonly #setTimer: SetLeaseTimer;
  /** Open streams per token. */
  readonly #live = new Map<string, number>();
  /** Tokens with no open stream, waiting out their grace period. */
  readonly #expiring = new Map<string, LeaseTimer>();
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(options: InstanceLeasesOptions) {
    this.#registry = options.registry;
    this.#graceMs = options.graceMs;
    this.#logger = options.logger;
    this.#setTimer = options.setTimer ?? systemTimer;
    // An instance registered for a proxy that has no stream (yet, or any more) gets one grace period too.
    this.#unsubscribe = options.registry.onChange((change) => {
      if (change.kind !== 'instance' || change.op !== 'put') return;
      const token = change.instance.attributes[proxyTokenAttribute];
      if (token !== undefined && !this.#live.has(token)) this.#schedule(token);
    });
  }

  /** At startup: instances whose proxies were connected to the previous run get one grace period to return. */
  async adoptRegistered(): Promise<void> {
    const tokens = new Set((await this.#leasedInstances()).map((i) => i.attributes[proxyTokenAttribute]!));
    for (const token of tokens) if (!this.#live.has(token)) this.#schedule(token);
  }

  /** A stream of the proxy holding `token` opened. */
  connected(token: string): void {
    this.#shareStream(token, 'opened');
    this.#live.set(token, (this.#live.get(token) ?? 0) + 1);
    this.#expiring.get(token)?.cancel();
    this.#expiring.delete(token);
  }

  /** A stream of the proxy holding `token` closed; the last one starts the grace period. */
  disconnected(token: string): void {
    this.#shareStream(token, 'closed');
    const open = (this.#live.get(token) ?? 0) - 1;
    if (open > 0) {
      this.#live.set(token, open);
      return;
    }
    this.#live.delete(token);
    this.#schedule(token);
  }

  /** Stops every grace timer; streams closing because the control plane stops remove nothing. */
  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    for (const timer of this.#expiring.values()) timer.cancel();
    this.#expiring.clear();
  }

  #schedule(token: string): void {
    if (this.#closed || this.#expiring.has(token)) return;
    this.#expiring.set(
      token,
      this.#setTimer(() => {
        this.#expiring.delete(token);
        this.#expire(token).catch((error: unknown) =>
          this.#logger.warn(
            { token, reason: error instanceof Error ? error.message : String(error) },
            'removing the instances of a gone proxy failed; they stay registered',
          ),
        );
      }, this.#graceMs),
    );
  }

  /** With replicas sharing the registry, each one's streams count for all (the proxy may have moved). */
  #shareStream(token: string, event: 'opened' | 'closed'): void {
    this.#registry.sharedStreams?.[event](token).catch((error: unknown) =>
      this.#logger.warn({ token, err: error }, 'recording a proxy stream in the shared registry failed'),
    );
  }

  async #expire(token: string): Promise<void> {
    const shared = this.#registry.sharedStreams;
    if (!shared) return this.#expireHere(token);
    // Once across replicas, and not while the proxy streams from another replica.
    await shared.exclusively(async () => {
      if (!(await shared.anyOpen(token))) await this.#expireHere(token);
    });
  }

  async #expireHere(token: string): Promise<void> {
    if (this.#closed || this.#live.has(token)) return;
    for (const instance of await this.#leasedInstances(token)) {
      if (this.#closed || this.#live.has(token)) return;
      const { namespaceName, serviceName, instanceId } = instance;
      // Re-read just before deleting: a new process may have taken the instance over with its own token.
      const current = await this.#registry.getInstance(namespaceName, serviceName, instanceId);
      if (current?.attributes[proxyTokenAttribute] !== token) continue;
      try {
        await this.#registry.deregisterInstance(namespaceName, serviceName, instanceId);
      } catch (error) {
        if (error instanceof RegistryNotFoundError) continue;
        throw error;
      }
      this.#logger.info(
        { namespaceName, serviceName, instanceId, graceMs: this.#graceMs },
        'instance deregistered: its proxy has had no xDS stream for the grace period',
      );
    }
  }

  /** Every instance carrying a proxy token (that token only, when given). */
  async #leasedInstances(token?: string): Promise<Instance[]> {
    const found: Instance[] = [];
    for (const namespace of await this.#registry.listNamespaces()) {
      for (const service of await this.#registry.listServices(namespace.name)) {
        const instances = await this.#registry.listInstances(namespace.name, service.name);
        for (const instance of instances) {
          const held = instance.attributes[proxyTokenAttribute];
          if (held !== undefined && (token === undefined || held === token)) found.push(instance);
        }
      }
    }
    return found;
  }
}
