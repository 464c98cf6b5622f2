// Turns translated Envoy messages into encoded xDS resources, reusing the encoding when a message is unchanged,
// so a cluster shared by a thousand nodes is serialized once per content change.

import { createResource, typeUrls, type Resource, type ResourceTypeUrl } from '../../xds/protos/index.ts';
import type { EnvoyResources } from '../../xds/translate/index.ts';

interface Encoded {
  readonly json: string;
  readonly resource: Resource;
}

export class ResourceEncoder {
  readonly #byName = new Map<string, Encoded>();

  encode<U extends ResourceTypeUrl>(typeUrl: U, message: Parameters<typeof createResource<U>>[1]): Resource {
    const fields = message as { name?: string; cluster_name?: string };
    const cacheKey = `${typeUrl}\0${typeUrl === typeUrls.clusterLoadAssignment ? fields.cluster_name : fields.name}`;
    const json = JSON.stringify(message);
    const cached = this.#byName.get(cacheKey);
    if (cached?.json === json) return cached.resource;
    const resource = createResource(typeUrl, message);
    this.#byName.set(cacheKey, { json, resource });
    return resource;
  }

  encodeAll(output: EnvoyResources): Resource[] {
    return [
      ...output.clusters.map((m) => this.encode(typeUrls.cluster, m)),
      ...output.clusterLoadAssignments.map((m) => this.encode(typeUrls.clusterLoadAssignment, m)),
      ...output.listeners.map((m) => this.encode(typeUrls.listener, m)),
      ...output.routeConfigurations.map((m) => this.encode(typeUrls.routeConfiguration, m)),
      ...output.secrets.map((m) => this.encode(typeUrls.secret, m)),
    ];
  }
}
