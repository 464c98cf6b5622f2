// The App Mesh API as the sidecar e2e tests drive it: the AWS SDK against the control plane, plus a few reads.
import {
  AppMeshClient,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualGatewayCommand,
  CreateVirtualServiceCommand,
  UpdateRouteCommand,
  UpdateVirtualNodeCommand,
  type MeshSpec,
  type RouteSpec,
  type VirtualGatewaySpec,
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
      credentials: { accessKeyId: 'AKIDSWITCHYARDE2E', secretAccessKey: 'not-a-secret' },
      maxAttempts: 1,
    });
  }

  async createMesh(meshName: string, spec: MeshSpec = {}): Promise<void> {
    await this.#sdk.send(new CreateMeshCommand({ meshName, spec }));
  }

  async createNode(meshName: string, virtualNodeName: string, spec: VirtualNodeSpec): Promise<void> {
    await this.#sdk.send(new CreateVirtualNodeCommand({ meshName, virtualNodeName, spec }));
  }

  async updateNode(meshName: string, virtualNodeName: string, spec: VirtualNodeSpec): Promise<void> {
    await this.#sdk.send(new UpdateVirtualNodeCommand({ meshName, virtualNodeName, spec }));
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

  async createGateway(meshName: string, virtualGatewayName: string, spec: VirtualGatewaySpec): Promise<void> {
    await this.#sdk.send(new CreateVirtualGatewayCommand({ meshName, virtualGatewayName, spec }));
  }

  async createService(meshName: string, virtualServiceName: string, spec: VirtualServiceSpec): Promise<void> {
    await this.#sdk.send(new CreateVirtualServiceCommand({ meshName, virtualServiceName, spec }));
  }

  /** Instances registered for a virtual node (sidecars register themselves). */
  async instancesOf(
    namespaceName: string,
    serviceName: string,
  ): Promise<{ instanceId: string; port: number }[]> {
    const url = `${this.endpoint}/switchyard/v1/registry/namespaces/${namespaceName}/services/${serviceName}/instances`;
    const response = await fetch(url);
    if (response.status === 404) return [];
    if (response.status !== 200)
      throw new Error(`listing instances: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { instances: { instanceId: string; port: number }[] }).instances;
  }

  close(): void {
    this.#sdk.destroy();
  }
}

/** A node that serves `protocol` on the app port `appPort`, found through the registry. */
export function servingNode(
  name: string,
  appPort: number,
  protocol: 'http' | 'http2' | 'grpc' | 'tcp' = 'http',
  extra: Omit<VirtualNodeSpec, 'listeners' | 'serviceDiscovery'> & {
    listener?: Partial<NonNullable<VirtualNodeSpec['listeners']>[number]>;
  } = {},
): VirtualNodeSpec {
  const { listener, ...rest } = extra;
  return {
    ...rest,
    listeners: [{ portMapping: { port: appPort, protocol }, ...listener }],
    serviceDiscovery: { awsCloudMap: { namespaceName: 'e2e.local', serviceName: name } },
  };
}

/** A client-only node: no listener, the given virtual services as backends. */
export function clientNode(...services: string[]): VirtualNodeSpec {
  return {
    backends: services.map((virtualServiceName) => ({ virtualService: { virtualServiceName } })),
    serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
  };
}
