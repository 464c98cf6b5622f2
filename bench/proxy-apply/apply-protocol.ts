// Messages between the apply-timing benchmark and its ADS worker thread.

export interface ApplyShape {
  readonly listeners: number;
  readonly routesPerListener: number;
  readonly clusters: number;
}

export type WorkerRequest =
  | { readonly type: 'start'; readonly shape: ApplyShape }
  /** Builds (and encodes) the next snapshot, so publishing it is only the cache update the client reacts to. */
  | {
      readonly type: 'prepare';
      readonly shape: ApplyShape;
      readonly routeVariant: number;
      readonly endpointVariant: number;
    }
  | { readonly type: 'publish' }
  | { readonly type: 'close' };

export type WorkerReply =
  | { readonly type: 'listening'; readonly port: number; readonly nodeId: string }
  | { readonly type: 'prepared' }
  | { readonly type: 'closed' };
