// Makes the instance registry hold the namespaces and services of a template's Cloud Map resources (through
// the registry's HTTP API), or prints what that would do; instances are left to sidecars and workloads.

import { ApiClientError, type AppMeshClient } from '../../api-client.ts';
import type { RegistryEntry } from './convert-cfn.ts';

const registryPath = '/switchyard/v1/registry';

interface RegistryItem {
  readonly noun: 'namespace' | 'service';
  /** `apps.local` or `apps.local/colors`. */
  readonly name: string;
  readonly path: string;
}

/** Every namespace (a service's own included) and service once, namespaces first. */
function itemsOf(entries: readonly RegistryEntry[]): RegistryItem[] {
  const namespaces = new Map<string, RegistryItem>();
  const services = new Map<string, RegistryItem>();
  for (const entry of entries) {
    const namespacePath = `${registryPath}/namespaces/${encodeURIComponent(entry.namespaceName)}`;
    namespaces.set(entry.namespaceName, {
      noun: 'namespace',
      name: entry.namespaceName,
      path: namespacePath,
    });
    if (entry.serviceName === undefined) continue;
    const name = `${entry.namespaceName}/${entry.serviceName}`;
    services.set(name, {
      noun: 'service',
      name,
      path: `${namespacePath}/services/${encodeURIComponent(entry.serviceName)}`,
    });
  }
  return [...namespaces.values(), ...services.values()];
}

async function exists(client: AppMeshClient, item: RegistryItem): Promise<boolean> {
  try {
    await client.request('GET', item.path);
    return true;
  } catch (error) {
    if (error instanceof ApiClientError && error.status === 404) return false;
    throw error;
  }
}

/** One line per namespace/service: `registry: created namespace apps.local` (or `create …` on a dry run). */
export async function applyRegistryEntries(
  client: AppMeshClient,
  entries: readonly RegistryEntry[],
  dryRun: boolean,
  write: (text: string) => void,
): Promise<void> {
  for (const item of itemsOf(entries)) {
    if (await exists(client, item)) {
      write(`registry: unchanged ${item.noun} ${item.name}\n`);
    } else if (dryRun) {
      write(`registry: create ${item.noun} ${item.name}\n`);
    } else {
      await client.request('PUT', item.path, {});
      write(`registry: created ${item.noun} ${item.name}\n`);
    }
  }
}
