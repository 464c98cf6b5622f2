// Which virtual node an instance belongs to: the attribute by-node registration writes, and where a node registers.

import { resourceKey } from '../model/resource-key.ts';
import { recordOfKind } from '../model/typed-record.ts';
import type { Store } from '../store/store.ts';
import { virtualNodeAttribute } from './node-registration.ts';
import type { RegistryStore } from './registry-store.ts';

/** The registry as access control reads it (the proxy-token checks in src/api/auth). */
export interface InstanceOwners {
  /**
   * The node (`mesh/M/virtualNode/N`) that registered the instance through the by-node path; undefined when
   * the instance does not exist or was registered otherwise (by an API key, on the namespace path).
   */
  ownerOf(namespaceName: string, serviceName: string, instanceId: string): Promise<string | undefined>;
  /** Whether the instance exists at all. */
  exists(namespaceName: string, serviceName: string, instanceId: string): Promise<boolean>;
  /**
   * The Cloud Map namespace and service a virtual node's instances go to, and the attribute keys its filter sets
   * on them; undefined without awsCloudMap.
   */
  nodeService(
    meshName: string,
    virtualNodeName: string,
  ): Promise<
    | { readonly namespaceName: string; readonly serviceName: string; readonly filterKeys: readonly string[] }
    | undefined
  >;
  /** The uid of the node or gateway record `node` (`mesh/M/virtualNode/N`) names now; undefined without one. */
  nodeUid(node: {
    readonly meshName: string;
    readonly kind: 'virtualNode' | 'virtualGateway';
    readonly name: string;
  }): Promise<string | undefined>;
  /**
   * The attribute keys other virtual nodes (of any mesh) filter on where their awsCloudMap discovery shares this
   * Cloud Map service with `exceptNode` (`mesh/M/virtualNode/N`): an instance with those keys may be theirs.
   */
  othersFilterKeys(namespaceName: string, serviceName: string, exceptNode: string): Promise<Set<string>>;
}

const everything = { limit: Number.MAX_SAFE_INTEGER };

/**
 * Reads owners from the registry and the App Mesh store. The attribute is trustworthy because only by-node
 * registration writes it (after the proxy token was checked against the path's node): the namespace path
 * refuses it in a body (registry-routes.ts), and by-node registration overwrites whatever its body says.
 */
export function registryInstanceOwners(store: Store, registry: RegistryStore): InstanceOwners {
  return {
    async ownerOf(namespaceName, serviceName, instanceId) {
      const instance = await registry.getInstance(namespaceName, serviceName, instanceId);
      return instance?.attributes[virtualNodeAttribute];
    },
    async exists(namespaceName, serviceName, instanceId) {
      return (await registry.getInstance(namespaceName, serviceName, instanceId)) !== undefined;
    },
    async nodeService(meshName, virtualNodeName) {
      const key = resourceKey('virtualNode', meshName, virtualNodeName);
      const record = recordOfKind(await store.read((tx) => tx.get(key)), 'virtualNode');
      const cloudMap = record?.spec.serviceDiscovery?.awsCloudMap;
      return cloudMap
        ? {
            namespaceName: cloudMap.namespaceName,
            serviceName: cloudMap.serviceName,
            filterKeys: (cloudMap.attributes ?? []).map(({ key }) => key),
          }
        : undefined;
    },
    async nodeUid(node) {
      const record = await store.read((tx) => tx.get(resourceKey(node.kind, node.meshName, node.name)));
      return record?.uid;
    },
    async othersFilterKeys(namespaceName, serviceName, exceptNode) {
      const keys = new Set<string>();
      await store.read(async (tx) => {
        for (const mesh of await tx.list({ kind: 'mesh' }, everything)) {
          for (const record of await tx.list({ kind: 'virtualNode', meshName: mesh.name }, everything)) {
            if (`mesh/${mesh.name}/virtualNode/${record.name}` === exceptNode) continue;
            const cloudMap = recordOfKind(record, 'virtualNode').spec.serviceDiscovery?.awsCloudMap;
            if (cloudMap?.namespaceName !== namespaceName || cloudMap.serviceName !== serviceName) continue;
            for (const { key } of cloudMap.attributes ?? []) keys.add(key);
          }
        }
      });
      return keys;
    },
  };
}
