// The App Mesh API as the e2e tests use it: a real @aws-sdk/client-app-mesh client plus the registry HTTP API.
import {
  AppMeshClient,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
  DeleteRouteCommand,
  DeleteVirtualNodeCommand,
  UpdateMeshCommand,
  UpdateRouteCommand,
  UpdateVirtualNodeCommand,
  type MeshSpec,
  type RouteSpec,
  type VirtualNodeSpec,
  type VirtualRouterSpec,
  type VirtualServiceSpec,
} from '@aws-sdk/client-app-mesh';

export class MeshApi {
  readonly endpoint: string;
  readonly #sdk: AppMeshClient;

  constructor(endpoint: string) {
    this.endpoint = endpoint;
    this.#sdk = new AppMeshClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDSWITCHYARDTEST', secretAccessKey: 'not-a-real-secret' },
      maxAttempts: 1,
    });
  }

  async createMesh(meshName: string, spec: MeshSpec = {}): Promise<void> {
    await this.#sdk.send(new CreateMeshCommand({ meshName, spec }));
  }

  async updateMesh(meshName: string, spec: MeshSpec): Promise<void> {
    await this.#sdk.send(new UpdateMeshCommand({ meshName, spec }));
  }

  async createNode(meshName: string, virtualNodeName: string, spec: VirtualNodeSpec): Promise<void> {
    await this.#sdk.send(new CreateVirtualNodeCommand({ meshName, virtualNodeName, spec }));
  }

  async updateNode(meshName: string, virtualNodeName: string, spec: VirtualNodeSpec): Promise<void> {
    await this.#sdk.send(new UpdateVirtualNodeCommand({ meshName, virtualNodeName, spec }));
  }

  async deleteNode(meshName: string, virtualNodeName: string): Promise<void> {
    await this.#sdk.send(new DeleteVirtualNodeCommand({ meshName, virtualNodeName }));
  }

  async createRouter(meshName: string, virtualRouterName: string, spec: VirtualRouterSpec): Promise<void> {
    await this.#sdk.send(new CreateVirtualRouterCommand({ meshName, virtualRouterName, spec }));
  }

  async createRoute(meshName: string, router: string, routeName: string, spec: RouteSpec): Promise<void> {
    await this.#sdk.send(new CreateRouteCommand({ meshName, virtualRouterName: router, routeName, spec }));
  }

  async updateRoute(meshName: string, router: string, routeName: string, spec: RouteSpec): Promise<void> {
    await this.#sdk.send(new UpdateRouteCommand({ meshName, virtualRouterName: router, routeName, spec }));
  }

  async deleteRoute(meshName: string, router: string, routeName: string): Promise<void> {
    await this.#sdk.send(new DeleteRouteCommand({ meshName, virtualRouterName: router, routeName }));
  }

  async createService(meshName: string, virtualServiceName: string, spec: VirtualServiceSpec): Promise<void> {
    await this.#sdk.send(new CreateVirtualServiceCommand({ meshName, virtualServiceName, spec }));
  }

  /** Registers `address:port` as instance `id` of an awsCloudMap-discovered node (registry API). */
  async registerInstance(meshName: string, node: string, id: string, port: number): Promise<void> {
    const path = `/switchyard/v1/registry/meshes/${meshName}/virtualNodes/${node}/instances/${id}`;
    const response = await fetch(`${this.endpoint}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address: '127.0.0.1', port }),
    });
    if (response.status !== 200 && response.status !== 201)
      throw new Error(
        `registering ${id} for ${meshName}/${node}: ${response.status} ${await response.text()}`,
      );
  }

  /** The control plane's list of connected xDS clients. */
  async xdsClients(): Promise<XdsClientReport[]> {
    const response = await fetch(`${this.endpoint}/switchyard/v1/xds/clients`);
    if (response.status !== 200) throw new Error(`xds clients: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { clients: XdsClientReport[] }).clients;
  }

  close(): void {
    this.#sdk.destroy();
  }
}

/** The JSON the status endpoint answers for one client (the fields the tests read). */
export interface XdsClientReport {
  readonly streamId: number;
  readonly nodeId: string;
  readonly protocol: string;
  readonly userAgentName: string;
  readonly userAgentVersion: string;
  readonly connectedAt: string;
  readonly connectionAgeMs: number;
  readonly types: readonly {
    readonly typeUrl: string;
    readonly subscribed: readonly string[];
    readonly lastSentVersion?: string;
    readonly lastAckedVersion?: string;
    readonly lastNack?: { readonly version: string; readonly message: string };
  }[];
}

/** A virtual node found through the instance registry (the service is named after the node). */
export function registryNode(name: string, port = 8080): VirtualNodeSpec {
  return {
    listeners: [{ portMapping: { port, protocol: 'grpc' } }],
    serviceDiscovery: { awsCloudMap: { namespaceName: 'e2e.local', serviceName: name } },
  };
}

/** A client-only virtual node: no listener, the given virtual services as backends. */
export function clientNode(...services: string[]): VirtualNodeSpec {
  return { backends: services.map((virtualServiceName) => ({ virtualService: { virtualServiceName } })) };
}
