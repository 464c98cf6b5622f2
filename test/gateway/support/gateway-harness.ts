// One control plane, echo apps with their sidecars, and a gateway proxy with a JSON access log file: the pieces
// every gateway test starts, torn down together.
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MeshApiClient } from '../../support/mesh-api-client.ts';
import { startMesh, type MeshHarness } from '../../support/mesh-harness.ts';
import { startSidecar, type SidecarProcess } from '../../support/sidecar-launcher.ts';
import { startEchoApp, type EchoApp } from '../../support/echo-apps.ts';

export interface GatewayHarness {
  readonly mesh: MeshHarness;
  /** The mesh's API client (for sending an example's `mesh.json` requests). */
  readonly requests: MeshApiClient;
  /** Starts an echo app for virtual node `node` (the node's listener must be on `app.port`) and its sidecar. */
  sidecarFor(meshName: string, node: string, app: EchoApp): Promise<SidecarProcess>;
  /** Starts the gateway proxy of `gateway` with a JSON access log file. */
  gateway(meshName: string, gateway: string): Promise<GatewayProcess>;
  startApp(name: string, options?: { http2?: boolean }): Promise<EchoApp>;
  close(): Promise<void>;
}

export interface GatewayProcess {
  readonly proxy: SidecarProcess;
  readonly accessLogFile: string;
  /** The access log's entries so far. */
  accessLog(): Promise<Record<string, unknown>[]>;
}

/** `cpArgs` go to the control plane (e.g. `--quota`). */
export async function startGatewayHarness(cpArgs: readonly string[] = []): Promise<GatewayHarness> {
  const mesh = await startMesh(cpArgs);
  const requests = mesh.api;
  const apps: EchoApp[] = [];
  const files: string[] = [];
  const proxies: SidecarProcess[] = [];
  return {
    mesh,
    requests,
    startApp: async (name, options) => {
      const app = await startEchoApp(name, options);
      apps.push(app);
      return app;
    },
    sidecarFor: (meshName, node) => mesh.sidecar(`mesh/${meshName}/virtualNode/${node}`),
    async gateway(meshName, gateway) {
      const accessLogFile = path.join(tmpdir(), `switchyard-gw-${process.pid}-${gateway}-${Date.now()}.log`);
      files.push(accessLogFile);
      const proxy = await startSidecar({
        node: `mesh/${meshName}/virtualGateway/${gateway}`,
        xdsPort: mesh.xdsPort,
        apiEndpoint: mesh.cp.endpoint,
        args: ['--access-log', accessLogFile, '--access-log-format', 'json'],
        waitReady: false,
      });
      // Tracked before waiting, so a gateway that never gets ready is still stopped by close().
      proxies.push(proxy);
      try {
        await proxy.waitReady();
      } catch (cause) {
        const logs = proxy.logs.map((e) => JSON.stringify(e)).join('\n');
        throw new Error(`gateway ${gateway} not ready; its log:\n${logs}\n${proxy.stderr()}`, { cause });
      }
      return {
        proxy,
        accessLogFile,
        async accessLog() {
          let text: string;
          try {
            text = await readFile(accessLogFile, 'utf8');
          } catch {
            return [];
          }
          return text
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line) => JSON.parse(line) as Record<string, unknown>);
        },
      };
    },
    async close() {
      await Promise.all(proxies.map((p) => p.stop('SIGTERM')));
      await mesh.close();
      await Promise.all(apps.map((a) => a.close()));
      await Promise.all(files.map((f) => rm(f, { force: true })));
    },
  };
}
