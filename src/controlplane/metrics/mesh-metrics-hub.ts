// Everything the control plane keeps about mesh traffic and itself: the rolling window, the MetricsService
// receiver feeding it, and the control plane's own counters.
import type { Logger } from 'pino';
import type { AdsCallbacks } from '../../xds/server/client-status.ts';
import { ControlPlaneStats } from './control-plane-stats.ts';
import {
  MetricsReceiver,
  type MetricsStreamAdmission,
  type MetricsStreamAuthenticator,
} from './metrics-receiver.ts';
import { MetricsWindow } from './metrics-window.ts';

export interface MeshMetricsHubOptions {
  readonly logger: Logger;
  /** Wall clock in milliseconds; tests pass a manual one. */
  readonly now?: () => number;
  readonly authenticate?: MetricsStreamAuthenticator;
  readonly admit?: MetricsStreamAdmission;
  readonly maxSeries?: number;
}

export class MeshMetricsHub {
  readonly window: MetricsWindow;
  readonly receiver: MetricsReceiver;
  readonly stats = new ControlPlaneStats();
  readonly now: () => number;

  constructor(options: MeshMetricsHubOptions) {
    this.now = options.now ?? Date.now;
    this.window = new MetricsWindow({
      now: this.now,
      ...(options.maxSeries ? { maxSeries: options.maxSeries } : {}),
    });
    this.receiver = new MetricsReceiver({
      window: this.window,
      logger: options.logger,
      ...(options.authenticate ? { authenticate: options.authenticate } : {}),
      ...(options.admit ? { admit: options.admit } : {}),
    });
  }

  /** The xDS server's events this hub counts (pushes and NACKs). */
  readonly xdsObserver: Pick<AdsCallbacks, 'onResponse' | 'onNack'> = {
    onResponse: (_client, event) => this.stats.xdsPushes.inc([event.typeUrl]),
    onNack: (_client, event) => this.stats.xdsNacks.inc([event.typeUrl]),
  };

  close(): void {
    this.receiver.close();
  }
}
