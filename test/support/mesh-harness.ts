// One control plane child, its API client, and the sidecars a scenario starts, torn down together.
import { removeDir, startControlPlaneProcess, type ControlPlaneProcess } from './control-plane-launcher.ts';
import { MeshApiClient } from './mesh-api-client.ts';
import { startSidecar, type SidecarOptions, type SidecarProcess } from './sidecar-launcher.ts';

export interface MeshHarness {
  readonly cp: ControlPlaneProcess;
  readonly api: MeshApiClient;
  readonly xdsPort: number;
  sidecar(
    node: string,
    options?: Omit<SidecarOptions, 'node' | 'xdsPort' | 'apiEndpoint'>,
  ): Promise<SidecarProcess>;
  /** Stops every sidecar (SIGTERM), the control plane, and removes its data. */
  close(): Promise<void>;
}

export async function startMesh(cpArgs: readonly string[] = []): Promise<MeshHarness> {
  const cp = await startControlPlaneProcess({ args: cpArgs });
  const api = new MeshApiClient(cp.endpoint);
  const sidecars: SidecarProcess[] = [];
  return {
    cp,
    api,
    xdsPort: cp.xdsPort,
    async sidecar(node, options = {}) {
      // Recorded before it is ready, so a sidecar that never gets ready is still stopped by close().
      const s = await startSidecar({
        node,
        xdsPort: cp.xdsPort,
        apiEndpoint: cp.endpoint,
        ...options,
        waitReady: false,
      });
      sidecars.push(s);
      if (options.waitReady !== false) await s.waitReady();
      return s;
    },
    async close() {
      await Promise.all(sidecars.map((s) => s.stop('SIGTERM')));
      api.close();
      await cp.stop('SIGTERM');
      await removeDir(cp.dataDir);
    },
  };
}
