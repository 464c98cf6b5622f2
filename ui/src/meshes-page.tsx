// The console's start page: the meshes of this control plane, each a link to its live graph.

import { callApi } from './api-client.ts';
import { ErrorLine, meshHref } from './page-parts.tsx';
import { usePolling } from './use-polling.ts';

interface MeshRef {
  readonly meshName: string;
  readonly version: number;
}

export function MeshesPage() {
  const meshes = usePolling(
    async () => (await callApi<{ meshes: MeshRef[] }>('GET', '/v20190125/meshes?limit=100')).meshes,
    5000,
    [],
  );
  return (
    <main>
      <h2>Meshes</h2>
      {meshes.error && <ErrorLine error={meshes.error} />}
      {meshes.value?.length === 0 && <p class="muted">no mesh yet</p>}
      <ul class="meshes">
        {meshes.value?.map((mesh) => (
          <li key={mesh.meshName}>
            <a href={meshHref(mesh.meshName)}>{mesh.meshName}</a> <span class="muted">v{mesh.version}</span>
          </li>
        ))}
      </ul>
    </main>
  );
}
