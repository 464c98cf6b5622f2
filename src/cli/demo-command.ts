// `switchyard demo`: a control plane with the color-app mesh, ready to be driven with the AWS CLI.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { pino } from 'pino';
import { controlPlaneDefaults, parseControlPlaneConfig } from '../controlplane/control-plane-config.ts';
import { StartupError, startControlPlane, type RunningControlPlane } from '../controlplane/control-plane.ts';
import { AppMeshClient } from './api-client.ts';
import { colorRouteSpec, createColorApp, demoMeshName } from './demo/color-app.ts';

async function startOnPreferredPort(dataDir: string): Promise<RunningControlPlane> {
  const logger = pino({ level: process.env.SWITCHYARD_LOG_LEVEL ?? 'warn' });
  const configFor = (apiAddr: string) =>
    parseControlPlaneConfig({ ...controlPlaneDefaults, apiAddr, xdsAddr: '127.0.0.1:0', dataDir });
  try {
    return await startControlPlane(configFor(controlPlaneDefaults.apiAddr), logger);
  } catch (error) {
    if (!(error instanceof StartupError) || !error.message.includes('already in use')) throw error;
    process.stdout.write(`port ${controlPlaneDefaults.apiAddr} is taken; using a free port instead\n`);
    return startControlPlane(configFor('127.0.0.1:0'), logger);
  }
}

function printIntroduction(endpoint: string): void {
  const routePath = `meshes/${demoMeshName}/virtualRouter/color-router/routes/color-route`;
  const weights = JSON.stringify({ spec: colorRouteSpec({ red: 0, green: 0, blue: 100 }) });
  process.stdout.write(
    [
      '',
      `control plane: ${endpoint} (App Mesh API)`,
      `mesh:          ${demoMeshName} (gateway color-gateway, services front and color, color versions red/green/blue)`,
      '',
      'Drive it as you drove App Mesh:',
      `  aws appmesh list-virtual-nodes --mesh-name ${demoMeshName} --endpoint-url ${endpoint}`,
      `  aws appmesh describe-route --mesh-name ${demoMeshName} --virtual-router-name color-router --route-name color-route --endpoint-url ${endpoint}`,
      'Shift all color traffic to blue:',
      `  curl -X PUT ${endpoint}/v20190125/${routePath} -H 'content-type: application/json' -d '${weights}'`,
      '',
      'The sidecars, the gateway and the live traffic view join this demo as they land (see README).',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('run a control plane with a demo mesh (the color app)')
    .option('--data-dir <dir>', 'keep the demo data here instead of a temporary directory')
    .action(async (options: { dataDir?: string }) => {
      const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'switchyard-demo-')));
      const running = await startOnPreferredPort(dataDir);
      const endpoint = `http://${running.apiAddress.host}:${running.apiAddress.port}`;
      const client = new AppMeshClient(endpoint);
      const existing = await client.call('GET', '/meshes');
      if (!(existing.meshes as { meshName: string }[]).some((m) => m.meshName === demoMeshName)) {
        await createColorApp(client);
      }
      printIntroduction(endpoint);
      const stop = () => {
        void running.close().then(async () => {
          if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
          process.stdout.write('demo stopped\n');
          process.exit(0);
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
