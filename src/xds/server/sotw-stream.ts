// StreamAggregatedResources: state-of-the-world ADS, one SotwTypeState per type the client asks for.
import { encodeDiscoveryResponse } from '../protos/discovery-wire.ts';
import type { DiscoveryRequest__Output } from '../protos/message-types.ts';
import { AdsStream } from './ads-stream.ts';
import type { SnapshotEntry } from './snapshot-cache.ts';
import { SotwTypeState } from './sotw-type-state.ts';
import type { SotwPlan } from './sotw-type-state.ts';
import { isFullStateType } from './type-order.ts';
import type { TypeStatus } from './type-tracker.ts';

export class SotwStream extends AdsStream<DiscoveryRequest__Output> {
  readonly protocol = 'sotw';
  readonly #types = new Map<string, SotwTypeState>();

  protected handle(req: DiscoveryRequest__Output): void {
    let state = this.#types.get(req.type_url);
    if (state === undefined) {
      state = new SotwTypeState(req.type_url, isFullStateType(req.type_url));
      this.#types.set(req.type_url, state);
    }
    const lastNonce = state.tracker.lastSentNonce;
    if (lastNonce !== undefined && req.response_nonce !== lastNonce) {
      // Answers an older response: a newer one is on its way to the client, which will answer it too.
      this.log.debug(
        { type: req.type_url, nonce: req.response_nonce, lastNonce },
        'xds stale request ignored',
      );
      return;
    }
    if (lastNonce !== undefined) this.#recordReply(state, req);
    state.setSubscription(req.resource_names);
    this.markDirty(req.type_url);
  }

  #recordReply(state: SotwTypeState, req: DiscoveryRequest__Output): void {
    const error =
      req.error_detail === null ? null : { code: req.error_detail.code, message: req.error_detail.message };
    const verdict = state.tracker.recordReply(req.response_nonce, error, req.version_info);
    const info = this.info!;
    if (verdict.kind === 'ack') {
      this.log.debug({ type: state.typeUrl, version: verdict.version }, 'xds ACK');
      this.ctx.callbacks.onAck?.(info, {
        typeUrl: state.typeUrl,
        version: verdict.version,
        nonce: req.response_nonce,
      });
    } else if (verdict.kind === 'nack') {
      // The rejected content stays recorded as held, so it is not sent again until it changes.
      this.log.warn({ type: state.typeUrl, ...verdict.nack }, 'xds NACK');
      this.ctx.callbacks.onNack?.(info, { typeUrl: state.typeUrl, ...verdict.nack });
    }
  }

  protected pass(entry: SnapshotEntry, types: readonly string[]): void {
    const snapshot = entry.snapshot;
    const planned: { state: SotwTypeState; version: string; plan: SotwPlan }[] = [];
    for (const typeUrl of types) {
      const state = this.#types.get(typeUrl);
      if (state === undefined) continue;
      const version = snapshot.version(typeUrl);
      const plan = state.plan(snapshot.resources(typeUrl), version, false);
      if (plan !== undefined) planned.push({ state, version, plan });
    }
    // Make-before-break: a full-state type keeps what it removes until later types stop referencing it.
    // Only plans that add or change resources can introduce new references; removal-only plans cannot.
    const lastChanging = planned.findLastIndex((p) => p.plan.changes > 0);
    for (const [i, p] of planned.entries()) {
      if (p.state.fullState && p.plan.removals > 0 && i < lastChanging) {
        p.plan = p.state.plan(snapshot.resources(p.state.typeUrl), p.version, true) ?? p.plan;
      }
    }
    for (const { state, version, plan } of planned) {
      if (!plan.send) state.commit(plan, version, undefined);
      else {
        const nonce = this.nextNonce();
        const bytes = encodeDiscoveryResponse({
          versionInfo: plan.versionInfo,
          typeUrl: state.typeUrl,
          nonce,
          resources: plan.resources,
          ...(this.ctx.controlPlaneId === undefined ? {} : { controlPlane: this.ctx.controlPlaneId }),
        });
        state.commit(plan, version, nonce);
        this.send(bytes, {
          typeUrl: state.typeUrl,
          version: plan.versionInfo,
          nonce,
          resources: plan.resources.length,
          removed: plan.removals,
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
