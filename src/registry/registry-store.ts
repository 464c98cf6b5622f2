// The registry contract: namespaces, services and instances, with discovery and a change listener.

import type { Instance, InstanceHealth, InstanceRegistration, Namespace, Service } from './registry-model.ts';

/** Which instances a list returns; every given attribute pair must match. */
export interface InstanceFilter {
  readonly attributes?: Readonly<Record<string, string>>;
  /** Only instances in one of these states; absent means all. */
  readonly health?: readonly InstanceHealth[];
}

/** A Cloud Map `DiscoverInstances` call as App Mesh made it for an `awsCloudMap` virtual node. */
export interface DiscoverQuery {
  readonly namespaceName: string;
  readonly serviceName: string;
  readonly attributes?: Readonly<Record<string, string>>;
  /** By default only HEALTHY and UNKNOWN instances are returned. */
  readonly includeUnhealthy?: boolean;
}

/** What changed, sent after the write committed. Heartbeats that change nothing else are not reported. */
export type RegistryChange =
  | { readonly kind: 'namespace'; readonly op: 'put' | 'delete'; readonly namespaceName: string }
  | {
      readonly kind: 'service';
      readonly op: 'put' | 'delete';
      readonly namespaceName: string;
      readonly serviceName: string;
    }
  | {
      readonly kind: 'instance';
      readonly op: 'put' | 'delete';
      readonly namespaceName: string;
      readonly serviceName: string;
      readonly instanceId: string;
      /** The instance after a put, as it was before a delete. */
      readonly instance: Instance;
    };

export type RegistryChangeListener = (change: RegistryChange) => void;

export interface Created<T> {
  readonly value: T;
  /** False when the call found (or replaced) an existing entry. */
  readonly created: boolean;
}

/**
 * Proxy liveness shared by control plane replicas on one database: a proxy's instances expire only when no
 * replica has a stream of it open, and only one replica at a time runs the expiry.
 */
export interface SharedProxyStreams {
  /** This replica opened / closed an xDS stream of the proxy holding `token`. */
  opened(token: string): Promise<void>;
  closed(token: string): Promise<void>;
  /** Whether any live replica (this one included) has a stream of that proxy open. */
  anyOpen(token: string): Promise<boolean>;
  /** Runs `work` under a database lock, or skips it (undefined) while another replica holds that lock. */
  exclusively<T>(work: () => Promise<T>): Promise<T | undefined>;
}

/**
 * Every method validates its input (RegistryValidationError) and reports missing parents or entries with
 * RegistryNotFoundError and state clashes with RegistryConflictError. When a write's promise resolves, it
 * is durable and its listeners have been called.
 */
export interface RegistryStore {
  /** Creates the namespace, or returns the existing one unchanged. */
  putNamespace(name: string): Promise<Created<Namespace>>;
  getNamespace(name: string): Promise<Namespace | undefined>;
  listNamespaces(): Promise<Namespace[]>;
  /** Refuses (conflict) while the namespace has services. */
  deleteNamespace(name: string): Promise<Namespace>;

  /** Creates the service in an existing namespace, or returns the existing one unchanged. */
  putService(namespaceName: string, name: string): Promise<Created<Service>>;
  getService(namespaceName: string, name: string): Promise<Service | undefined>;
  listServices(namespaceName: string): Promise<Service[]>;
  /** Refuses (conflict) while the service has instances. */
  deleteService(namespaceName: string, name: string): Promise<Service>;

  /** Creates or replaces an instance of an existing service; a replace keeps `registeredAtMs`. */
  registerInstance(registration: InstanceRegistration): Promise<Created<Instance>>;
  getInstance(namespaceName: string, serviceName: string, instanceId: string): Promise<Instance | undefined>;
  /** Instances of an existing service, ordered by id. */
  listInstances(namespaceName: string, serviceName: string, filter?: InstanceFilter): Promise<Instance[]>;
  deregisterInstance(namespaceName: string, serviceName: string, instanceId: string): Promise<Instance>;
  setInstanceHealth(
    namespaceName: string,
    serviceName: string,
    instanceId: string,
    health: InstanceHealth,
  ): Promise<Instance>;
  /** Records that the instance is alive (`lastHeartbeatMs`). */
  heartbeat(namespaceName: string, serviceName: string, instanceId: string): Promise<Instance>;

  /** Instances for a virtual node; an unknown namespace or service simply has none. */
  discoverInstances(query: DiscoverQuery): Promise<Instance[]>;

  /** Calls `listener` after each committed change, in commit order; returns the unsubscribe function. */
  onChange(listener: RegistryChangeListener): () => void;
  /** Present when several replicas share this registry (PostgreSQL); absent for one process's own (SQLite). */
  readonly sharedStreams?: SharedProxyStreams;
  close(): Promise<void>;
}
