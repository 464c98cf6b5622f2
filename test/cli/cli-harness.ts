// Runs the real `bin/switchyard` against a control plane, and reads back through the raw API what it holds.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot, switchyardBin } from '../support/switchyard-process.ts';
import { call } from '../support/in-process-control-plane.ts';

export const examplesDir = path.join(repoRoot, 'examples/apply');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(endpoint: string, args: readonly string[], stdin?: string): Promise<CliResult> {
  const child = spawn(switchyardBin, args, {
    env: { ...process.env, SWITCHYARD_ENDPOINT: endpoint },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const meshCollections = ['virtualNodes', 'virtualRouters', 'virtualServices', 'virtualGateways'];

/** Every resource path the control plane holds, with its version: `mesh/store/virtualNode/x@1`. */
export async function inventory(endpoint: string): Promise<string[]> {
  const out: string[] = [];
  const list = async (apiPath: string, member: string) => {
    const answer = await call(endpoint, 'GET', `/v20190125${apiPath}`);
    assert200(answer.status, apiPath);
    return answer.json[member] as { arn: string; version: number; [name: string]: unknown }[];
  };
  for (const mesh of await list('/meshes', 'meshes')) {
    out.push(`${mesh.arn.split(':').pop()}@${mesh.version}`);
    const base = `/meshes/${mesh.meshName}`;
    for (const collection of meshCollections) {
      for (const item of await list(`${base}/${collection}`, collection)) {
        out.push(`${item.arn.split(':').pop()}@${item.version}`);
        if (collection === 'virtualRouters') {
          for (const route of await list(
            `${base}/virtualRouter/${item.virtualRouterName}/routes`,
            'routes',
          )) {
            out.push(`${route.arn.split(':').pop()}@${route.version}`);
          }
        }
        if (collection === 'virtualGateways') {
          const routesPath = `${base}/virtualGateway/${item.virtualGatewayName}/gatewayRoutes`;
          for (const route of await list(routesPath, 'gatewayRoutes')) {
            out.push(`${route.arn.split(':').pop()}@${route.version}`);
          }
        }
      }
    }
  }
  return out.sort();
}

function assert200(status: number, apiPath: string): void {
  if (status !== 200) throw new Error(`GET ${apiPath} answered ${status}`);
}

/** The ten resources of the examples' "store" mesh, each at version 1. */
export const storeMesh = [
  'mesh/store@1',
  'mesh/store/virtualGateway/ingress_store/gatewayRoute/to-frontend_store@1',
  'mesh/store/virtualGateway/ingress_store@1',
  'mesh/store/virtualNode/catalog-v1_store@1',
  'mesh/store/virtualNode/catalog-v2_store@1',
  'mesh/store/virtualNode/frontend_store@1',
  'mesh/store/virtualRouter/catalog-router_store/route/catalog-route@1',
  'mesh/store/virtualRouter/catalog-router_store@1',
  'mesh/store/virtualService/catalog.store@1',
  'mesh/store/virtualService/frontend.store@1',
].sort();
