// One request to a walkthrough's gateway, read the way its README reads it: the colour, and what the
// colorteller saw (path and Host, from its headers).
import { curl, hasCurl } from './curl.ts';
import { httpRequest } from '../../support/http-client.ts';

export interface Told {
  readonly status: number;
  /** The colour answered, '' when no colorteller answered. */
  readonly color: string;
  readonly seenPath: string;
  readonly seenHost: string;
}

export async function tell(port: number, path: string, host?: string): Promise<Told> {
  const r = await httpRequest(port, path, host === undefined ? {} : { host });
  return {
    status: r.status,
    color: String(r.headers['x-color'] ?? ''),
    seenPath: String(r.headers['x-seen-path'] ?? ''),
    seenHost: String(r.headers['x-seen-host'] ?? ''),
  };
}

/** The colours `count` requests get: with curl (as the README does) when there is one, else node:http. */
export async function colors(port: number, path: string, count: number, host?: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (hasCurl && i % 4 === 0) {
      const args = host === undefined ? [] : ['-H', `Host: ${host}`];
      const r = await curl([...args, `http://127.0.0.1:${port}${path}`]);
      out.push(r.status === 200 ? r.body.trim() : `HTTP ${r.status}`);
    } else {
      const r = await tell(port, path, host);
      out.push(r.status === 200 ? r.color : `HTTP ${r.status}`);
    }
  }
  return out;
}
