// Finds the resources a `get`/`describe`/`delete` invocation names, across meshes when no --mesh narrows it.

import { kinds, type KindName } from '../model/resource-kinds.ts';
import { resourcePath, type ResourceKey } from '../model/resource-key.ts';
import type { AppMeshClient } from './api-client.ts';
import { CliError } from './cli-error.ts';
import { listKeys, type ListScope } from './resource-api.ts';

export interface ScopeOptions {
  readonly mesh?: string;
  readonly virtualRouter?: string;
  readonly virtualGateway?: string;
}

export function listScopeOf(kind: KindName, options: ScopeOptions): ListScope {
  const parentKind = kinds[kind].parentKind;
  const parentName =
    parentKind === 'virtualRouter'
      ? options.virtualRouter
      : parentKind === 'virtualGateway'
        ? options.virtualGateway
        : undefined;
  return { meshName: options.mesh, parentName };
}

/** Every resource of `kind` in scope, optionally only those called `name`. */
export async function findResources(
  client: AppMeshClient,
  kind: KindName,
  name: string | undefined,
  options: ScopeOptions,
): Promise<ResourceKey[]> {
  const keys = await listKeys(client, kind, listScopeOf(kind, options));
  return name === undefined ? keys : keys.filter((key) => key.name === name);
}

/** The one resource `kind`/`name` in scope; an error when none or several match. */
export async function findOne(
  client: AppMeshClient,
  kind: KindName,
  name: string,
  options: ScopeOptions,
): Promise<ResourceKey> {
  const matches = await findResources(client, kind, name, options);
  const noun = kinds[kind].cliNoun;
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    const where = options.mesh ? ` in mesh ${options.mesh}` : '';
    throw new CliError(`${noun} ${name} not found${where}`);
  }
  throw new CliError(
    `${matches.length} resources match ${noun} ${name}: ${matches.map(resourcePath).join(', ')}`,
    {
      hint: kinds[kind].parentKind ? 'narrow it with --mesh and the parent option' : 'narrow it with --mesh',
    },
  );
}
