// The tests' one App Mesh API client: the real AWS SDK against a control plane, plus its registry and xDS reads.
import {
  AppMeshClient,
  CreateGatewayRouteCommand,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualGatewayCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
  DeleteRouteCommand,
  DeleteVirtualNodeCommand,
  UpdateGatewayRouteCommand,
  UpdateMeshCommand,
  UpdateRouteCommand,
  UpdateVirtualGatewayCommand,
  UpdateVirtualNodeCommand,
  UpdateVirtualRouterCommand,
  UpdateVirtualServiceCommand,
  type MeshSpec,
  type RouteSpec,
  type VirtualGatewaySpec,
  type VirtualNodeSpec,
  type VirtualRouterSpec,
  type VirtualServiceSpec,
} from '@aws-sdk/client-app-mesh';

/** One entry of an example's `mesh.json`: the kind and the body of its Create request (plus parent names). */
export interface MeshRequest {
  readonly kind: string;
  readonly body: Record<string, unknown>;
  readonly virtualRouterName?: string;
  readonly virtualGatewayName?: string;
}

/** The JSON the xDS status endpoint answers for one client (the fields the tests read). */
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

export class MeshApiClient {
  readonly endpoint: string;
  readonly #sdk: AppMeshClient;

  /** `credentials`: a key from the access file, for a control plane with authentication on (SDK calls only). */
  constructor(
    endpoint: string,
    credentials = { accessKeyId: 'AKIDSWITCHYARDTEST', secretAccessKey: 'not-a-real-secret' },
  ) {
    this.endpoint = endpoint;
    this.#sdk = new AppMeshClient({
      endpoint,
      region: 'us-east-1',
      // A copy: the SDK tags the object it is given (`$source`), which would then leak into an access file.
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
      // A test sees the control plane's first answer: the SDK's own retries would hide failures and stall.
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

  async createGateway(meshName: string, virtualGatewayName: string, spec: VirtualGatewaySpec): Promise<void> {
    await this.#sdk.send(new CreateVirtualGatewayCommand({ meshName, virtualGatewayName, spec }));
  }

  async createService(meshName: string, virtualServiceName: string, spec: VirtualServiceSpec): Promise<void> {
    await this.#sdk.send(new CreateVirtualServiceCommand({ meshName, virtualServiceName, spec }));
  }

  /** Sends an example's `mesh.json` requests in order into `meshName` (create, or update when told). */
  async send(
    meshName: string,
    requests: readonly MeshRequest[],
    mode: 'create' | 'update' = 'create',
  ): Promise<void> {
    for (const request of requests) {
      try {
        await this.#sendOne(meshName, request, mode);
      } catch (cause) {
        throw new Error(`${mode} ${request.kind} ${JSON.stringify(request.body).slice(0, 120)} failed`, {
          cause,
        });
      }
    }
  }

  async #sendOne(meshName: string, r: MeshRequest, mode: 'create' | 'update'): Promise<void> {
    // The bodies are the API's JSON; the SDK's input types say the same with stricter unions.
    const input = { meshName, ...r.body } as never;
    const withRouter = { ...(input as object), virtualRouterName: r.virtualRouterName } as never;
    const withGateway = { ...(input as object), virtualGatewayName: r.virtualGatewayName } as never;
    const create = mode === 'create';
    switch (r.kind) {
      case 'mesh':
        if (!create) throw new Error('meshes are not updated here');
        await this.#sdk.send(new CreateMeshCommand(r.body as never));
        return;
      case 'virtualNode':
        await this.#sdk.send(
          create ? new CreateVirtualNodeCommand(input) : new UpdateVirtualNodeCommand(input),
        );
        return;
      case 'virtualRouter':
        await this.#sdk.send(
          create ? new CreateVirtualRouterCommand(input) : new UpdateVirtualRouterCommand(input),
        );
        return;
      case 'route':
        await this.#sdk.send(
          create ? new CreateRouteCommand(withRouter) : new UpdateRouteCommand(withRouter),
        );
        return;
      case 'virtualService':
        await this.#sdk.send(
          create ? new CreateVirtualServiceCommand(input) : new UpdateVirtualServiceCommand(input),
        );
        return;
      case 'virtualGateway':
        await this.#sdk.send(
          create ? new CreateVirtualGatewayCommand(input) : new UpdateVirtualGatewayCommand(input),
        );
        return;
      case 'gatewayRoute':
        await this.#sdk.send(
          create ? new CreateGatewayRouteCommand(withGateway) : new UpdateGatewayRouteCommand(withGateway),
        );
        return;
      default:
        throw new Error(`unknown kind ${r.kind}`);
    }
  }

  /** Instances registered for a service of the registry (sidecars register themselves). */
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

  /** Registers `127.0.0.1:port` as instance `id` of an awsCloudMap-discovered node (registry API). */
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

/** A node that serves `protocol` on the app port `appPort`, found through the registry as service `name`. */
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

/** A gRPC node found through the registry (the service is named after the node). */
export function registryNode(name: string, port = 8080): VirtualNodeSpec {
  return servingNode(name, port, 'grpc');
}

/** A client-only node: no listener, the given virtual services as backends. */
export function clientNode(...services: string[]): VirtualNodeSpec {
  return {
    backends: services.map((virtualServiceName) => ({ virtualService: { virtualServiceName } })),
    serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
  };
}
