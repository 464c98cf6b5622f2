// The admin paths Envoy tooling calls beyond the basics: /server_info, /quitquitquit, /healthcheck/{fail,ok},
// /stats (filter, JSON), /listeners. Mutating paths take POST only, as Envoy's do.
import type { AdminControls } from './admin-controls.ts';
import type { BoundListener } from './listeners-report.ts';
import { listenersJson, listenersText } from './listeners-report.ts';
import { serverInfo, serverState, type ServerState } from './server-info.ts';
import { StatsFilterError, statsJson, statsQuery, statsText } from './stats-json.ts';

/** One answer: status, content type, body, and what to do once it is sent. */
export interface AdminAnswer {
  readonly status: number;
  readonly type: string;
  readonly body: string;
  readonly after?: () => void;
}

/** What the routes read from the proxy. */
export interface AdminRoutesView {
  readonly ready: boolean;
  renderStatsText(): string;
  listeners(): readonly BoundListener[];
}

const json = (value: object): AdminAnswer => ({
  status: 200,
  type: 'application/json',
  body: `${JSON.stringify(value, null, 2)}\n`,
});
const text = (status: number, body: string): AdminAnswer => ({ status, type: 'text/plain', body });

export class AdminRoutes {
  readonly #view: AdminRoutesView;
  readonly #controls: AdminControls;
  /** Set by POST /healthcheck/fail: /ready answers 503 and the state reads DRAINING until /healthcheck/ok. */
  #healthCheckFailed = false;

  constructor(view: AdminRoutesView, controls: AdminControls = {}) {
    this.#view = view;
    this.#controls = controls;
  }

  get state(): ServerState {
    return serverState(this.#view.ready, this.#healthCheckFailed);
  }

  /** The answer for `method` `url`, or undefined for a path these routes do not serve. */
  answer(method: string, url: URL): AdminAnswer | undefined {
    switch (url.pathname) {
      case '/ready': {
        const state = this.state;
        return text(state === 'LIVE' ? 200 : 503, `${state}\n`);
      }
      case '/server_info':
        return json(serverInfo(this.state, this.#controls.identity, this.#nowMs()));
      case '/stats':
        return this.#stats(url.searchParams);
      case '/listeners': {
        const listeners = this.#view.listeners();
        return url.searchParams.get('format') === 'json'
          ? json(listenersJson(listeners))
          : text(200, listenersText(listeners));
      }
      case '/quitquitquit':
        return this.#mutation(method, () => {
          if (!this.#controls.quit) return text(501, 'this proxy cannot stop itself\n');
          const quit = this.#controls.quit.bind(this.#controls);
          return { ...text(200, 'OK\n'), after: quit };
        });
      case '/healthcheck/fail':
        return this.#mutation(method, () => {
          this.#healthCheckFailed = true;
          this.#controls.healthCheckFailed?.(true);
          return text(200, 'OK\n');
        });
      case '/healthcheck/ok':
        return this.#mutation(method, () => {
          this.#healthCheckFailed = false;
          this.#controls.healthCheckFailed?.(false);
          return text(200, 'OK\n');
        });
      default:
        return undefined;
    }
  }

  #mutation(method: string, run: () => AdminAnswer): AdminAnswer {
    // A GET from a browser or a link preview must not stop or drain the proxy.
    if (method !== 'POST') return text(405, 'This endpoint requires POST\n');
    return run();
  }

  #stats(params: URLSearchParams): AdminAnswer {
    try {
      const query = statsQuery(params);
      const rendered = this.#view.renderStatsText();
      return params.get('format') === 'json'
        ? json(statsJson(rendered, query))
        : text(200, statsText(rendered, query));
    } catch (error) {
      if (error instanceof StatsFilterError) return text(400, `${error.message}\n`);
      throw error;
    }
  }

  #nowMs(): number {
    return this.#controls.nowMs?.() ?? Date.now();
  }
}
