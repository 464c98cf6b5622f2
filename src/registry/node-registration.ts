// Registers a virtual node's instance where its awsCloudMap discovery looks, so a sidecar can join its
// node's endpoints knowing only its mesh and node name.

import { resourceKey } from '../model/resource-key.ts';
import { recordOfKind } from '../model/typed-record.ts';
import type { Store } from '../store/store.ts';
import { RegistryConflictError, RegistryNotFoundError } from './registry-errors.ts';
import type { Instance, InstanceHealth } from './registry-model.ts';
import type { Created, RegistryStore } from './registry-store.ts';

/** Added to every node instance, so an operator can tell who registered it. */
export const virtualNodeAttribute = 'SWITCHYARD_VIRTUAL_NODE';

export interface NodeInstance {
  readonly meshName: string;
  readonly virtualNodeName: string;
  readonly instanceId: string;
  readonly address: string;
  readonly port: number;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly health?: InstanceHealth;
}

/**
 * Creates the node's Cloud Map namespace and service if needed and registers the instance with the node's
 * attribute pairs, so the node's own filter selects it. The answer names the namespace and service, which
 * is where later heartbeats and the deregistration go. Fails with RegistryNotFoundError for an unknown node
 * and RegistryConflictError for a node without awsCloudMap discovery.
 */
export async function registerNodeInstance(
  store: Store,
  registry: RegistryStore,
  input: NodeInstance,
): Promise<Created<Instance>> {
  const { meshName, virtualNodeName } = input;
  const key = resourceKey('virtualNode', meshName, virtualNodeName);
  const record = recordOfKind(await store.read((tx) => tx.get(key)), 'virtualNode');
  if (!record) {
    throw new RegistryNotFoundError(`virtual node ${virtualNodeName} does not exist in mesh ${meshName}`);
  }
  const cloudMap = record.spec.serviceDiscovery?.awsCloudMap;
  if (!cloudMap) {
    throw new RegistryConflictError(
      `virtual node ${virtualNodeName} in mesh ${meshName} does not use awsCloudMap service discovery, so it has no registry instances`,
    );
  }
  const { namespaceName, serviceName, attributes = [] } = cloudMap;
  await registry.putNamespace(namespaceName);
  await registry.putService(namespaceName, serviceName);
  return registry.registerInstance({
    namespaceName,
    serviceName,
    instanceId: input.instanceId,
    address: input.address,
    port: input.port,
    attributes: {
      ...input.attributes,
      ...Object.fromEntries(attributes.map(({ key, value }) => [key, value])),
      [virtualNodeAttribute]: `mesh/${meshName}/virtualNode/${virtualNodeName}`,
    },
    ...(input.health ? { health: input.health } : {}),
  });
}
