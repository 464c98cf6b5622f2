// Everything a data-plane run stands on: the upstream app, a control plane with the bench mesh, and the sidecars
// (pinned to the proxy CPU). stop() tears it all down, whatever had started.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ApiDriver } from '../control-plane/api-driver.ts';
import { ControlPlaneProcess } from '../control-plane/control-plane-process.ts';
import type { ScenarioContext } from '../harness/scenario.ts';
import {
  createBenchMesh,
  createTlsBenchNodes,
  nodeId,
  type BenchNodeName,
  type BenchProtocol,
  type CertificateFiles,
} from './bench-mesh.ts';
import { pinSelf, type CpuPlan } from './cpu-pinning.ts';
import { ScriptChild } from './script-child.ts';
import { SidecarProcess } from './sidecar-process.ts';

export type SidecarRole = BenchNodeName;

export class MeshRig {
  readonly #stops: (() => Promise<void>)[] = [];
  upstream!: ScriptChild;
  upstreamPort = 0;
  /** Where scenarios that start sidecars of their own point them. */
  controlPlane!: ControlPlaneProcess;
  readonly sidecars = new Map<SidecarRole, SidecarProcess>();

  /** Runs `stop` (last registered first) when the rig stops. */
  onStop(stop: () => Promise<void>): void {
    this.#stops.push(stop);
  }

  static async start(
    ctx: ScenarioContext,
    protocol: BenchProtocol,
    cpus: CpuPlan,
    roles: readonly SidecarRole[],
    /** Adds the TLS nodes (HTTP only); the `hop-tls` listener terminates TLS with these files. */
    tlsHopCertificate?: CertificateFiles,
  ): Promise<MeshRig> {
    const rig = new MeshRig();
    const unpin = pinSelf(cpus.load);
    rig.onStop(async () => unpin());
    try {
      rig.upstream = ScriptChild.start(
        protocol === 'http' ? 'upstream-http.ts' : 'upstream-grpc.ts',
        {},
        cpus.upstream,
      );
      rig.onStop(() => rig.upstream.stop());
      rig.upstreamPort = (await rig.upstream.next<{ port: number }>(30_000)).port;

      const dataDir = path.join(
        ctx.workDir,
        `control-plane-${protocol}${tlsHopCertificate === undefined ? '' : '-tls'}`,
      );
      await mkdir(dataDir, { recursive: true });
      ctx.progress('starting the control plane and the sidecars');
      // On the load generator's CPU: its timers and GCs must not take turns on the proxies' core.
      const controlPlane = await ControlPlaneProcess.start({
        dataDir,
        cpu: cpus.load,
        quotas: { connectedProxiesPerVirtualNode: 50 },
      });
      rig.onStop(() => controlPlane.stop());
      rig.controlPlane = controlPlane;
      const api = new ApiDriver(controlPlane.apiAddress, 2);
      rig.onStop(async () => api.close());
      await createBenchMesh(api, protocol, rig.upstreamPort);
      if (tlsHopCertificate !== undefined)
        await createTlsBenchNodes(api, rig.upstreamPort, tlsHopCertificate);

      await SidecarProcess.primeCompileCache();
      const profiles = ctx.options.cpuProfDir;
      if (profiles !== undefined) await mkdir(profiles, { recursive: true });
      const started = await Promise.all(
        roles.map((role) =>
          SidecarProcess.start({
            node: nodeId(role),
            xds: controlPlane.xdsAddress,
            api: controlPlane.apiAddress,
            cpu: cpus.proxy,
            cpuProfDir: profiles,
            profileName: `switchyard-proxy-${protocol}-${role}`,
          }),
        ),
      );
      for (const [i, role] of roles.entries()) {
        rig.sidecars.set(role, started[i]!);
        rig.onStop(() => started[i]!.stop());
      }
      return rig;
    } catch (error) {
      await rig.stop();
      throw error;
    }
  }

  sidecar(role: SidecarRole): SidecarProcess {
    const sidecar = this.sidecars.get(role);
    if (!sidecar) throw new Error(`no ${role} sidecar in this rig`);
    return sidecar;
  }

  async stop(): Promise<void> {
    // Sidecars first (they deregister through the control plane), then the control plane, then the app.
    for (const stop of this.#stops.splice(0).reverse()) await stop().catch(() => undefined);
  }
}
