// DeltaAggregatedResources: incremental ADS, one DeltaTypeState per type the client asks for.
import { encodeDeltaDiscoveryResponse } from '../protos/discovery-wire.ts';
import type { DeltaDiscoveryRequest__Output } from '../protos/message-types.ts';
import { AdsStream } from './ads-stream.ts';
import { DeltaTypeState } from './delta-type-state.ts';
import type { DeltaPlan } from './delta-type-state.ts';
import type { SnapshotEntry } from './snapshot-cache.ts';
import type { TypeStatus } from './type-tracker.ts';

export class DeltaStream extends AdsStream<DeltaDiscoveryRequest__Output> {
  readonly protocol = 'delta';
  readonly #types = new Map<string, DeltaTypeState>();

  protected handle(req: DeltaDiscoveryRequest__Output): void {
    let state = this.#types.get(req.type_url);
    if (state === undefined) {
      state = new DeltaTypeState(req.type_url);
      this.#types.set(req.type_url, state);
    }
    // Unlike SotW, a delta request's subscription changes always apply: they are increments, never superseded.
    if (req.response_nonce !== '') this.#recordReply(state, req);
    state.apply({
      subscribe: req.resource_names_subscribe,
      unsubscribe: req.resource_names_unsubscribe,
      initialVersions: req.initial_resource_versions,
    });
    this.markDirty(req.type_url);
  }

  #recordReply(state: DeltaTypeState, req: DeltaDiscoveryRequest__Output): void {
    const error =
      req.error_detail === null ? null : { code: req.error_detail.code, message: req.error_detail.message };
    const verdict = state.tracker.recordReply(req.response_nonce, error, '');
    const info = this.info!;
    if (verdict.kind === 'ack') {
      this.log.debug({ type: state.typeUrl, version: verdict.version }, 'xds ACK');
      this.ctx.callbacks.onAck?.(info, {
        typeUrl: state.typeUrl,
        version: verdict.version,
        nonce: req.response_nonce,
      });
    } else if (verdict.kind === 'nack') {
      this.log.warn({ type: state.typeUrl, ...verdict.nack }, 'xds NACK');
      this.ctx.callbacks.onNack?.(info, { typeUrl: state.typeUrl, ...verdict.nack });
    } else {
      this.log.debug({ type: state.typeUrl, nonce: req.response_nonce }, 'xds reply to an unknown nonce');
    }
  }

  protected pass(entry: SnapshotEntry, types: readonly string[]): void {
    const snapshot = entry.snapshot;
    const planned: { state: DeltaTypeState; version: string; plan: DeltaPlan }[] = [];
    for (const typeUrl of types) {
      const state = this.#types.get(typeUrl);
      if (state === undefined) continue;
      const version = snapshot.version(typeUrl);
      const plan = state.plan(snapshot.resources(typeUrl), version, false);
      if (plan !== undefined) planned.push({ state, version, plan });
    }
    // Make-before-break: removals wait until later types (e.g. routes) no longer reference what goes away.
    // Only plans that add or change resources can introduce new references; removal-only plans cannot.
    const lastChanging = planned.findLastIndex((p) => p.plan.resources.length > 0);
    for (const [i, p] of planned.entries()) {
      if (p.plan.removed.length > 0 && i < lastChanging) {
        p.plan = p.state.plan(snapshot.resources(p.state.typeUrl), p.version, true) ?? p.plan;
      }
    }
    for (const { state, version, plan } of planned) {
      if (!plan.send) state.commit(plan, version, undefined);
      else {
        const nonce = this.nextNonce();
        const bytes = encodeDeltaDiscoveryResponse({
          systemVersionInfo: version,
          typeUrl: state.typeUrl,
          nonce,
          resources: plan.resources,
          removedResources: plan.removed,
          ...(this.ctx.controlPlaneId === undefined ? {} : { controlPlane: this.ctx.controlPlaneId }),
        });
        state.commit(plan, version, nonce);
        this.send(bytes, {
          typeUrl: state.typeUrl,
          version,
          nonce,
          resources: plan.resources.length,
          removed: plan.removed.length,
        });
      }
      if (plan.deferred) this.markDirty(state.typeUrl);
    }
  }

  protected typeUrls(): Iterable<string> {
    return this.#types.keys();
  }

  protected typeStatuses(): TypeStatus[] {
    return [...this.#types.values()].map((s) => s.tracker.status(s));
  }
}
