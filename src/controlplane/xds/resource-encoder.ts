// Turns translated Envoy messages into encoded xDS resources, reusing the encoding of equal
// content, so a cluster shared by a thousand nodes is serialized once per content change.

import { createHash } from 'node:crypto';
import { createResource, typeUrls, type Resource, type ResourceTypeUrl } from '../../xds/protos/index.ts';
import type { EnvoyResources } from '../../xds/translate/index.ts';

/**
 * Encodings by content (type URL + a hash of the message's JSON), held weakly: an entry lives as long as some
 * snapshot holds its resource. Sidecar resources often share a name across nodes with different content
 * (`rds_egress_http_15001`), so a name-keyed cache would thrash; a content-keyed one shares what is equal.
 */
export class ResourceEncoder {
  readonly #byContent = new Map<string, WeakRef<Resource>>();
  readonly #finalizer = new FinalizationRegistry<string>((key) => {
    if (this.#byContent.get(key)?.deref() === undefined) this.#byContent.delete(key);
  });

  encode<U extends ResourceTypeUrl>(typeUrl: U, message: Parameters<typeof createResource<U>>[1]): Resource {
    const key = `${typeUrl}\0${createHash('sha1').update(JSON.stringify(message)).digest('base64')}`;
    const cached = this.#byContent.get(key)?.deref();
    if (cached) return cached;
    const resource = createResource(typeUrl, message);
    this.#byContent.set(key, new WeakRef(resource));
    this.#finalizer.register(resource, key);
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
