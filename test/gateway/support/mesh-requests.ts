// App Mesh API requests in the examples' `mesh.json` shape, sent through the AWS SDK (create, or update when told).
import {
  AppMeshClient,
  CreateGatewayRouteCommand,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualGatewayCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
  UpdateGatewayRouteCommand,
  UpdateRouteCommand,
  UpdateVirtualGatewayCommand,
  UpdateVirtualNodeCommand,
  UpdateVirtualRouterCommand,
  UpdateVirtualServiceCommand,
} from '@aws-sdk/client-app-mesh';

/** One entry of an example's `mesh.json`: the kind and the body of its Create request (plus parent names). */
export interface MeshRequest {
  readonly kind: string;
  readonly body: Record<string, unknown>;
  readonly virtualRouterName?: string;
  readonly virtualGatewayName?: string;
}

export class MeshRequests {
  readonly #sdk: AppMeshClient;

  constructor(endpoint: string) {
    this.#sdk = new AppMeshClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDSWITCHYARDGW', secretAccessKey: 'not-a-secret' },
      maxAttempts: 1,
    });
  }

  /** Sends `requests` in order into `meshName` (the mesh request names its own mesh). */
  async send(
    meshName: string,
    requests: readonly MeshRequest[],
    mode: 'create' | 'update' = 'create',
  ): Promise<void> {
    for (const request of requests) {
      try {
        await this.#one(meshName, request, mode);
      } catch (cause) {
        throw new Error(`${mode} ${request.kind} ${JSON.stringify(request.body).slice(0, 120)} failed`, {
          cause,
        });
      }
    }
  }

  async #one(meshName: string, r: MeshRequest, mode: 'create' | 'update'): Promise<void> {
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

  close(): void {
    this.#sdk.destroy();
  }
}
