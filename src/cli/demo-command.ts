// `switchyard demo`: a control plane, the color-app mesh with a sidecar beside every app and a gateway in front,
// a gentle traffic generator, and a live view of the traffic split per color.

import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { pino } from 'pino';
import { controlPlaneDefaults, parseControlPlaneConfig } from '../controlplane/control-plane-config.ts';
import { startControlPlane, type RunningControlPlane } from '../controlplane/control-plane.ts';
import { AppMeshClient } from './api-client.ts';
import { ChildProcesses, waitUntilOk } from './demo/child-processes.ts';
import { routeGrpcLogs } from './grpc-log-routing.ts';
import {
  colorRouteUpdate,
  colorVersions,
  createColorApp,
  demoMeshName,
  type DemoPorts,
} from './demo/color-app.ts';
import { startColorApp, startFrontApp } from './demo/demo-apps.ts';
import { freePort, preferredOrFreePort } from './demo/free-port.ts';
import { LiveView } from './demo/live-view.ts';
import { startTraffic } from './demo/traffic-generator.ts';
import { TrafficStats } from './demo/traffic-stats.ts';

interface Sidecar {
  readonly node: string;
  readonly adminPort: number;
  readonly inboundPort: number;
  readonly outboundPort: number;
}

async function startControlPlaneOnFreePorts(dataDir: string): Promise<RunningControlPlane> {
  const apiPort = await preferredOrFreePort(9080);
  if (apiPort !== 9080)
    process.stdout.write(`port 9080 is taken; the App Mesh API uses ${apiPort} instead\n`);
  const config = parseControlPlaneConfig({
    ...controlPlaneDefaults,
    apiAddr: `127.0.0.1:${apiPort}`,
    xdsAddr: '127.0.0.1:0',
    dataDir,
  });
  const logger = pino({ level: process.env.SWITCHYARD_LOG_LEVEL ?? 'warn' });
  routeGrpcLogs(logger);
  return startControlPlane(config, logger);
}

async function sidecarFor(node: string): Promise<Sidecar> {
  return { node, adminPort: await freePort(), inboundPort: await freePort(), outboundPort: await freePort() };
}

function sidecarArgs(sidecar: Sidecar, xds: string, api: string): string[] {
  return [
    'proxy',
    '--node', `mesh/${demoMeshName}/${sidecar.node}`,
    '--xds', xds,
    '--api', api,
    '--admin-addr', `127.0.0.1:${sidecar.adminPort}`,
    '--inbound-port', String(sidecar.inboundPort),
    '--outbound-port', String(sidecar.outboundPort),
  ]; // prettier-ignore
}

async function writeShiftFiles(dir: string): Promise<{ blue: string; even: string }> {
  const blue = path.join(dir, 'shift-to-blue.json');
  const even = path.join(dir, 'even-split.json');
  await writeFile(blue, `${JSON.stringify(colorRouteUpdate({ red: 0, green: 0, blue: 100 }), null, 2)}\n`);
  await writeFile(even, `${JSON.stringify(colorRouteUpdate({ red: 34, green: 33, blue: 33 }), null, 2)}\n`);
  return { blue, even };
}

function introduction(endpoint: string, gatewayUrl: string, files: { blue: string; even: string }): string {
  return [
    '',
    `control plane: ${endpoint} (App Mesh API)`,
    `console: ${endpoint}/ui`,
    `mesh:          ${demoMeshName}: gateway → front → color (red / green / blue, weighted), a sidecar beside each app`,
    `gateway: ${gatewayUrl}`,
    '',
    'Shift all color traffic to blue, with switchyard or the AWS CLI:',
    `  bin/switchyard apply -f ${files.blue} --endpoint ${endpoint}`,
    `  aws appmesh update-route --cli-input-json file://${files.blue} --endpoint-url ${endpoint}`,
    'And back to an even split:',
    `  bin/switchyard apply -f ${files.even} --endpoint ${endpoint}`,
    `Look around: bin/switchyard get virtual-nodes --mesh ${demoMeshName} --endpoint ${endpoint}`,
    `             bin/switchyard proxy-status --endpoint ${endpoint}`,
    '',
    'Press Ctrl-C to stop everything.',
    '',
  ].join('\n');
}

/** How long a clean stop may take before the demo kills what is left and exits anyway. */
const stopGraceMs = 15_000;

async function runDemo(options: { dataDir?: string }): Promise<void> {
  const tempDir = options.dataDir ? undefined : await mkdtemp(path.join(tmpdir(), 'switchyard-demo-'));
  const dataDir = options.dataDir ?? tempDir!;
  const children = new ChildProcesses();
  const servers: Server[] = [];
  let stopping = false;
  let controlPlane: RunningControlPlane | undefined;
  let stopTraffic = (): void => {};
  let viewTimer: NodeJS.Timeout | undefined;
  // Whatever ends the process (a crash, a second Ctrl-C, a stop that hangs), no sidecar and no temp dir outlive it.
  process.once('exit', () => {
    children.killAllNow();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });
  // With the terminal closed (SIGHUP) a write to it fails with EIO or EPIPE: that must not cut the clean-up short.
  const ignoreWriteError = (): void => {};
  process.stdout.on('error', ignoreWriteError);
  process.stderr.on('error', ignoreWriteError);
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), stopGraceMs).unref();
    if (viewTimer) clearInterval(viewTimer);
    stopTraffic();
    await children.stopAll();
    for (const server of servers) server.closeAllConnections?.();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await controlPlane?.close();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    process.stdout.write('demo stopped\n');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // A second signal while stopping means "now": the exit handler still kills the children and removes the dir.
    process.on(signal, () => (stopping ? process.exit(1) : void stop(0)));
  }
  try {
    controlPlane = await startControlPlaneOnFreePorts(dataDir);
    const endpoint = `http://127.0.0.1:${controlPlane.apiAddress.port}`;
    const xds = `127.0.0.1:${controlPlane.xdsAddress.port}`;
    const client = new AppMeshClient(endpoint);
    const ports: DemoPorts = {
      apps: {
        red: await freePort(),
        green: await freePort(),
        blue: await freePort(),
        front: await freePort(),
      },
      gateway: await preferredOrFreePort(9000),
    };
    const existing = (await client.call('GET', '/meshes')).meshes as { meshName: string }[];
    if (existing.some((m) => m.meshName === demoMeshName)) {
      throw new Error(
        `mesh ${demoMeshName} already exists in ${dataDir}; start the demo with an empty --data-dir`,
      );
    }
    await createColorApp(client, ports);
    const sidecars = await Promise.all(
      [...colorVersions.map((c) => `virtualNode/color-${c}`), 'virtualNode/front'].map(sidecarFor),
    );
    const front = sidecars[sidecars.length - 1]!;
    for (const color of colorVersions) servers.push(await startColorApp(color, ports.apps[color]));
    servers.push(await startFrontApp(ports.apps.front, front.outboundPort));
    const gatewayAdmin = await freePort();
    const onExit = (name: string, code: number | null) => {
      if (!stopping) {
        process.stderr.write(`${name} exited (${code}); stopping the demo\n`);
        void stop(1);
      }
    };
    for (const sidecar of sidecars) children.start(sidecar.node, sidecarArgs(sidecar, xds, endpoint), onExit);
    children.start(
      'gateway',
      [
        'proxy',
        '--node',
        `mesh/${demoMeshName}/virtualGateway/color-gateway`,
        '--xds',
        xds,
        '--api',
        endpoint,
        '--admin-addr',
        `127.0.0.1:${gatewayAdmin}`,
      ],
      onExit,
    );
    const gatewayUrl = `http://127.0.0.1:${ports.gateway}/`;
    await waitUntilOk(gatewayUrl, 'the gateway (through front and color sidecars)', 60_000);
    const files = await writeShiftFiles(dataDir);
    process.stdout.write(introduction(endpoint, gatewayUrl, files));
    const stats = new TrafficStats();
    stopTraffic = startTraffic(gatewayUrl, stats).stop;
    const view = new LiveView();
    viewTimer = setInterval(() => view.draw(stats.figures()), 1000);
  } catch (error) {
    process.stderr.write(`switchyard demo: ${(error as Error).message}\n`);
    await stop(1);
  }
}

export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'run the color-app demo mesh: control plane, sidecars, gateway, traffic and a live view of the split',
    )
    .option('--data-dir <dir>', 'keep the control plane data here instead of a temporary directory')
    .action(runDemo);
}
