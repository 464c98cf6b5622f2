// Reads the golden metrics JSON (GET /switchyard/v1/metrics/meshes/{mesh}/edges) of one mesh.

import { callApi } from './api-client.ts';
import type { EdgesAnswer } from './link-figures.ts';

export function fetchEdges(meshName: string, windowSeconds: number): Promise<EdgesAnswer> {
  return callApi<EdgesAnswer>(
    'GET',
    `/switchyard/v1/metrics/meshes/${encodeURIComponent(meshName)}/edges?windowSeconds=${windowSeconds}`,
  );
}
