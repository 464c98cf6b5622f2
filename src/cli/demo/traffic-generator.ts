// A gentle, steady stream of requests to the gateway, each recorded under the color that answered it.

import { Agent, request } from 'node:http';
import type { TrafficStats } from './traffic-stats.ts';

export interface TrafficGenerator {
  stop(): void;
}

function once(url: URL, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function versionOf(body: string): string {
  try {
    return String((JSON.parse(body) as { color?: unknown }).color ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

/** Sends about `ratePerSecond` requests per second to `url` until stopped. */
export function startTraffic(url: string, stats: TrafficStats, ratePerSecond = 20): TrafficGenerator {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const target = new URL(url);
  let running = true;
  const loop = async (): Promise<void> => {
    while (running) {
      const started = performance.now();
      try {
        const { status, body } = await once(target, agent);
        const ok = status >= 200 && status < 300;
        stats.record(ok ? versionOf(body) : `HTTP ${status}`, ok, performance.now() - started);
      } catch {
        stats.record('error', false, performance.now() - started);
      }
      const waitMs = Math.max(0, 4000 / ratePerSecond - (performance.now() - started));
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  };
  const loops = Array.from({ length: 4 }, () => loop());
  return {
    stop() {
      running = false;
      void Promise.all(loops).then(() => agent.destroy());
    },
  };
}
