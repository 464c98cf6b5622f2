// Messages between the benchmark and its xDS client simulator child (Node IPC). Times are epoch ms with
// sub-millisecond precision (performance.timeOrigin + performance.now()), comparable across processes.

export interface SimStart {
  readonly type: 'start';
  readonly xdsHost: string;
  readonly xdsPort: number;
  readonly nodeIds: readonly string[];
  readonly streamsPerConnection: number;
  readonly readyTimeoutMs: number;
}

/** From now on, record when each stream receives and ACKs a RouteConfiguration carrying weight `marker`. */
export interface SimArm {
  readonly type: 'arm';
  readonly marker: number;
}

/** Report what was seen for `marker` so far, even if some streams have not seen it. */
export interface SimCollect {
  readonly type: 'collect';
  readonly marker: number;
}

export interface SimClose {
  readonly type: 'close';
}

export type ParentMessage = SimStart | SimArm | SimCollect | SimClose;

export interface SimReady {
  readonly type: 'ready';
  /** Per stream that got its full initial config (CDS, EDS, LDS, RDS) and ACKed it: ms from stream open. */
  readonly initialConfigMs: readonly number[];
  /** Streams that did not, with why. */
  readonly failures: readonly { readonly nodeId: string; readonly error: string }[];
  readonly connections: number;
}

export interface SimArmed {
  readonly type: 'armed';
  readonly marker: number;
}

export interface SimObserved {
  readonly type: 'observed';
  readonly marker: number;
  /** Epoch ms at which each stream that saw the marker had ACKed it. */
  readonly ackedAtMs: readonly number[];
  /** Streams that had not seen it when this was sent (only non-zero in answer to `collect`). */
  readonly missing: number;
}

export interface SimFailed {
  readonly type: 'failed';
  readonly message: string;
}

export type ChildMessage = SimReady | SimArmed | SimObserved | SimFailed;

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
