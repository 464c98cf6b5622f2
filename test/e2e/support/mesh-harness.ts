// One control plane child and the processes a scenario starts, torn down together.
import {
  removeDir,
  startControlPlaneProcess,
  type ControlPlaneProcess,
} from '../../support/control-plane-process.ts';
import { MeshApi } from './mesh-api.ts';
import { startSidecar, type SidecarOptions, type SidecarProcess } from './sidecar-process.ts';

export interface MeshHarness {
  readonly cp: ControlPlaneProcess;
  readonly api: MeshApi;
  readonly xdsPort: number;
  sidecar(
    node: string,
    options?: Omit<SidecarOptions, 'node' | 'xdsPort' | 'apiEndpoint'>,
  ): Promise<SidecarProcess>;
  /** Stops every sidecar (SIGTERM), the control plane, and removes its data. */
  close(): Promise<void>;
}

export function xdsPortOf(cp: ControlPlaneProcess): number {
  const ready = cp.logs.find((e) => e.msg === 'control plane ready');
  return Number(String(ready?.xdsAddr).split(':').at(-1));
}

export async function startMesh(cpArgs: readonly string[] = []): Promise<MeshHarness> {
  const cp = await startControlPlaneProcess({ args: cpArgs });
  const api = new MeshApi(cp.endpoint);
  const sidecars: SidecarProcess[] = [];
  const xdsPort = xdsPortOf(cp);
  return {
    cp,
    api,
    xdsPort,
    async sidecar(node, options = {}) {
      // Recorded before it is ready, so a sidecar that never gets ready is still stopped by close().
      const s = await startSidecar({ node, xdsPort, apiEndpoint: cp.endpoint, ...options, waitReady: false });
      sidecars.push(s);
      if (options.waitReady !== false) await s.waitForLog('"proxy ready"', (e) => e.msg === 'proxy ready');
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
