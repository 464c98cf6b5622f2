// One simulated proxy on a delta ADS stream, subscribing the way Envoy does: CDS and LDS by wildcard, EDS for
// the EDS clusters, RDS for the route configurations the listeners name; every response is ACKed at once.

import type * as grpc from '@grpc/grpc-js';
import { adsServiceDefinition, extensionTypeUrls, typeUrls, unpackAny } from '../../src/xds/protos/index.ts';
import type {
  DeltaDiscoveryRequest,
  DeltaDiscoveryResponse__Output,
  DiscoveryResource__Output,
  RouteConfiguration__Output,
} from '../../src/xds/protos/index.ts';
import { nowMs } from './sim-protocol.ts';

export interface StreamEvents {
  /** The stream has ACKed CDS, EDS (if any), LDS and RDS once: the proxy could serve traffic. */
  onReady(stream: DeltaProxyStream): void;
  /** A RouteConfiguration carrying the armed marker weight was received and ACKed. */
  onMarker(stream: DeltaProxyStream, marker: number, ackedAtMs: number): void;
  onEnd(stream: DeltaProxyStream, error: string): void;
}

type Call = grpc.ClientDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse__Output>;

function hasWeight(route: RouteConfiguration__Output, weight: number): boolean {
  for (const host of route.virtual_hosts)
    for (const r of host.routes)
      for (const c of r.route?.weighted_clusters?.clusters ?? []) if (c.weight?.value === weight) return true;
  return false;
}

export class DeltaProxyStream {
  readonly nodeId: string;
  readonly openedAtMs = nowMs();
  readyAtMs: number | undefined;
  ended = false;
  readonly #call: Call;
  readonly #events: StreamEvents;
  readonly #edsNames = new Set<string>();
  readonly #rdsNames = new Set<string>();
  readonly #acked = new Set<string>();
  #ldsRequested = false;
  #marker: number | undefined;

  constructor(client: grpc.Client, nodeId: string, events: StreamEvents) {
    this.nodeId = nodeId;
    this.#events = events;
    const method = adsServiceDefinition().DeltaAggregatedResources;
    this.#call = client.makeBidiStreamRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
    );
    this.#call.on('data', (res: DeltaDiscoveryResponse__Output) => this.#onResponse(res));
    this.#call.on('error', (error: grpc.ServiceError) => this.#end(`${error.code}: ${error.details}`));
    this.#call.on('status', (status: grpc.StatusObject) => this.#end(`stream closed: ${status.details}`));
    this.#call.write({
      node: {
        id: nodeId,
        cluster: 'bench',
        user_agent_name: 'switchyard-bench-sim',
        user_agent_version: '0.1.0',
      },
      type_url: typeUrls.cluster,
    });
  }

  /** Watch for `marker` in route configurations from now on. */
  arm(marker: number): void {
    this.#marker = marker;
  }

  close(): void {
    this.ended = true;
    this.#call.cancel();
  }

  #end(error: string): void {
    if (this.ended) return;
    this.ended = true;
    this.#events.onEnd(this, error);
  }

  #onResponse(res: DeltaDiscoveryResponse__Output): void {
    const marker = this.#marker;
    let sawMarker = false;
    switch (res.type_url) {
      case typeUrls.cluster:
        this.#subscribe(typeUrls.clusterLoadAssignment, this.#edsNames, this.#edsClusters(res.resources));
        break;
      case typeUrls.listener:
        this.#subscribe(typeUrls.routeConfiguration, this.#rdsNames, this.#routeNames(res.resources));
        break;
      case typeUrls.routeConfiguration:
        if (marker !== undefined)
          sawMarker = res.resources.some(
            (r) => r.resource && hasWeight(unpackAny(r.resource, typeUrls.routeConfiguration), marker),
          );
        break;
    }
    this.#call.write({ type_url: res.type_url, response_nonce: res.nonce });
    const ackedAt = nowMs();
    this.#acked.add(res.type_url);
    if (sawMarker && marker !== undefined) {
      this.#marker = undefined;
      this.#events.onMarker(this, marker, ackedAt);
    }
    // Envoy asks for listeners once clusters are in; RDS names come from the listeners.
    if (!this.#ldsRequested && this.#acked.has(typeUrls.cluster)) {
      this.#ldsRequested = true;
      this.#call.write({ type_url: typeUrls.listener });
    }
    if (this.readyAtMs === undefined && this.#complete()) {
      this.readyAtMs = ackedAt;
      this.#events.onReady(this);
    }
  }

  #complete(): boolean {
    const needs: string[] = [typeUrls.cluster, typeUrls.listener];
    if (this.#edsNames.size > 0) needs.push(typeUrls.clusterLoadAssignment);
    if (this.#rdsNames.size > 0) needs.push(typeUrls.routeConfiguration);
    return this.#ldsRequested && needs.every((t) => this.#acked.has(t));
  }

  #subscribe(typeUrl: string, known: Set<string>, names: readonly string[]): void {
    const fresh = names.filter((name) => !known.has(name));
    if (fresh.length === 0) return;
    for (const name of fresh) known.add(name);
    this.#call.write({ type_url: typeUrl, resource_names_subscribe: fresh });
  }

  #edsClusters(resources: readonly DiscoveryResource__Output[]): string[] {
    const names: string[] = [];
    for (const r of resources) {
      if (!r.resource) continue;
      const cluster = unpackAny(r.resource, typeUrls.cluster);
      if (cluster.type === 'EDS') names.push(cluster.eds_cluster_config?.service_name || cluster.name);
    }
    return names;
  }

  #routeNames(resources: readonly DiscoveryResource__Output[]): string[] {
    const names: string[] = [];
    for (const r of resources) {
      if (!r.resource) continue;
      const listener = unpackAny(r.resource, typeUrls.listener);
      const chains = [
        ...listener.filter_chains,
        ...(listener.default_filter_chain ? [listener.default_filter_chain] : []),
      ];
      for (const chain of chains)
        for (const filter of chain.filters) {
          if (filter.typed_config?.type_url !== extensionTypeUrls.httpConnectionManager) continue;
          const hcm = unpackAny(filter.typed_config, extensionTypeUrls.httpConnectionManager);
          if (hcm.rds?.route_config_name) names.push(hcm.rds.route_config_name);
        }
    }
    return names;
  }
}
