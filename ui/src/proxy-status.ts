// Reads the proxies connected over xDS (GET /switchyard/v1/xds/clients) and those refused lately.

import { callApi } from './api-client.ts';
import type { XdsClient } from './sync-state.ts';

export interface XdsClientsAnswer {
  readonly clients: readonly XdsClient[];
  readonly rejected: readonly {
    readonly nodeId: string;
    readonly code: string;
    readonly reason: string;
    readonly lastAt: string;
  }[];
}

export function fetchClients(): Promise<XdsClientsAnswer> {
  return callApi<XdsClientsAnswer>('GET', '/switchyard/v1/xds/clients');
}
