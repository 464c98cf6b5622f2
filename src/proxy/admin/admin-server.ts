// The admin interface: /ready, /stats, /stats/prometheus, /config_dump, /clusters, and Envoy's operator paths
// (admin-routes.ts).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHostCheck } from '../../util/host-check.ts';
import { http } from '../../util/node-http.ts';
import type { EnvoySnapshot } from '../config/proxy-config.ts';
import type { StatsStore } from '../stats/stats-store.ts';
import type { Cluster } from '../upstream/cluster.ts';
import type { AdminControls } from './admin-controls.ts';
import { AdminRoutes } from './admin-routes.ts';
import { clustersJson, clustersText } from './clusters-report.ts';
import { configDump } from './config-dump.ts';
import type { BoundListener } from './listeners-report.ts';

/** What the admin server reads from the proxy; all reads, never writes. */
export interface AdminView {
  readonly ready: boolean;
  readonly stats: StatsStore;
  appliedSnapshot(): EnvoySnapshot | undefined;
  clusters(): Iterable<Cluster>;
  /** The applied listeners and their bound addresses; none when omitted. */
  listeners?(): readonly BoundListener[];
  /** What the admin paths may do to the process; a bare proxy has no controls. */
  readonly controls?: AdminControls;
}

export interface AdminServerOptions {
  /** Host names accepted in the Host header besides IP literals and localhost. */
  readonly allowedHosts?: readonly string[];
}

export class AdminServer {
  readonly #server: Server;

  constructor(view: AdminView, options: AdminServerOptions = {}) {
    const checkHost = createHostCheck({ allowedHosts: options.allowedHosts });
    const routes = new AdminRoutes(
      {
        get ready() {
          return view.ready;
        },
        renderStatsText: () => view.stats.renderText(),
        listeners: () => view.listeners?.() ?? [],
      },
      view.controls,
    );
    this.#server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://admin');
      const send = (status: number, type: string, body: string): void => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache, max-age=0' });
        res.end(body);
      };
      // The admin port shows the whole config and stats: a rebound browser page must not read it.
      const refused = checkHost({
        host: req.headers.host,
        localAddress: req.socket.localAddress,
        boundAddress: (this.#server.address() as AddressInfo | null)?.address,
      });
      if (refused) return send(403, 'text/plain', `${refused}\n`);
      const answer = routes.answer(req.method ?? 'GET', url);
      if (answer) {
        send(answer.status, answer.type, answer.body);
        if (answer.after) res.once('finish', answer.after);
        return;
      }
      switch (url.pathname) {
        case '/stats/prometheus':
          return send(200, 'text/plain; version=0.0.4', view.stats.renderPrometheus());
        case '/config_dump':
          return send(
            200,
            'application/json',
            `${JSON.stringify(configDump(view.appliedSnapshot(), view.controls?.resourceVersion?.bind(view.controls)), null, 2)}\n`,
          );
        case '/clusters':
          return url.searchParams.get('format') === 'json'
            ? send(200, 'application/json', JSON.stringify(clustersJson(view.clusters()), null, 2))
            : send(200, 'text/plain', clustersText(view.clusters()));
        default:
          return send(
            404,
            'text/plain',
            'unknown admin path; try /ready, /server_info, /stats, /stats/prometheus, /config_dump, /clusters, /listeners\n',
          );
      }
    });
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
  }

  get port(): number {
    const a = this.#server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
