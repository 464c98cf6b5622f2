// The input of translation: every record of one mesh, plus the endpoints the control plane resolved per node.
import type { ResourceRecord } from '../../model/resource-record.ts';
import { typedRecord, type TypedRecord } from '../../model/typed-record.ts';

/**
 * All records of one mesh, by name, each with its kind's spec type; routes and gateway routes grouped by
 * their router / gateway name.
 */
export interface MeshState {
  readonly mesh: TypedRecord<'mesh'>;
  readonly virtualServices: ReadonlyMap<string, TypedRecord<'virtualService'>>;
  readonly virtualNodes: ReadonlyMap<string, TypedRecord<'virtualNode'>>;
  readonly virtualRouters: ReadonlyMap<string, TypedRecord<'virtualRouter'>>;
  readonly routes: ReadonlyMap<string, readonly TypedRecord<'route'>[]>;
  readonly virtualGateways: ReadonlyMap<string, TypedRecord<'virtualGateway'>>;
  readonly gatewayRoutes: ReadonlyMap<string, readonly TypedRecord<'gatewayRoute'>[]>;
  /** Switchyard's TrafficPermissions (who may call whom), by name; absent in states built before they existed. */
  readonly trafficPermissions?: ReadonlyMap<string, TypedRecord<'trafficPermission'>>;
}

/** One address a virtual node answers on, as resolved by DNS or the instance registry. */
export interface ResolvedEndpoint {
  /** An IP literal (v4 or v6): gRPC clients reject hostnames in EDS. */
  readonly address: string;
  readonly port: number;
  readonly healthy: boolean;
  /** Relative load-balancing weight, ≥ 1; 1 when absent. */
  readonly weight?: number;
  /** Becomes the endpoint's locality zone. */
  readonly zone?: string;
  /**
   * For a node with several listeners: the listener port this endpoint serves. Absent means every listener
   * (the endpoint's `port` is then used for each listener's cluster).
   */
  readonly listenerPort?: number;
}

/** Endpoints per virtual node name; a node that is absent has no endpoints (an empty assignment). */
export type EndpointsByNode = ReadonlyMap<string, readonly ResolvedEndpoint[]>;

/**
 * Groups a mesh's records (in any order) into a MeshState; `mesh` must be among them. The records come from
 * the store, whose specs passed their kind's shape when written, so each is read as its kind's typed record.
 */
export function buildMeshState(records: Iterable<ResourceRecord>): MeshState {
  let mesh: TypedRecord<'mesh'> | undefined;
  const virtualServices = new Map<string, TypedRecord<'virtualService'>>();
  const virtualNodes = new Map<string, TypedRecord<'virtualNode'>>();
  const virtualRouters = new Map<string, TypedRecord<'virtualRouter'>>();
  const routes = new Map<string, TypedRecord<'route'>[]>();
  const virtualGateways = new Map<string, TypedRecord<'virtualGateway'>>();
  const gatewayRoutes = new Map<string, TypedRecord<'gatewayRoute'>[]>();
  const trafficPermissions = new Map<string, TypedRecord<'trafficPermission'>>();
  const push = <T extends { readonly parentName: string }>(map: Map<string, T[]>, record: T): void => {
    const list = map.get(record.parentName);
    if (list) list.push(record);
    else map.set(record.parentName, [record]);
  };
  for (const stored of records) {
    const record = typedRecord(stored);
    switch (record.kind) {
      case 'mesh':
        mesh = record;
        break;
      case 'virtualService':
        virtualServices.set(record.name, record);
        break;
      case 'virtualNode':
        virtualNodes.set(record.name, record);
        break;
      case 'virtualRouter':
        virtualRouters.set(record.name, record);
        break;
      case 'route':
        push(routes, record);
        break;
      case 'virtualGateway':
        virtualGateways.set(record.name, record);
        break;
      case 'gatewayRoute':
        push(gatewayRoutes, record);
        break;
      case 'trafficPermission':
        trafficPermissions.set(record.name, record);
        break;
    }
  }
  if (!mesh) throw new Error('buildMeshState needs the mesh record among the records');
  return {
    mesh,
    virtualServices,
    virtualNodes,
    virtualRouters,
    routes,
    virtualGateways,
    gatewayRoutes,
    trafficPermissions,
  };
}
