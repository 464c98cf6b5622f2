// The web console's static files at /ui on the API port: the bundle `npm run build:ui` leaves in ui/dist,
// served with strict headers; the console's data comes from the public API, signed like any other client's.

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const consolePath = '/ui';

/** Where `node ui/build.ts` writes the bundle, relative to this file. */
export const defaultBundleDir = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

export interface ConsoleRoutesOptions {
  /** The bundle's folder (index.html and assets/); tests point it elsewhere. */
  readonly bundleDir?: string;
  /** The region requests are signed for (the control plane's --region). */
  readonly region: string;
  /** Whether API calls need SigV4 (the control plane runs with --access-file). */
  readonly authentication: boolean;
}

/** The console's address on an API bound to `apiAddress`; a wildcard bind is reached on loopback. */
export function consoleUrlOf(apiAddress: { readonly host: string; readonly port: number }): string {
  const host =
    apiAddress.host === '0.0.0.0' ? '127.0.0.1' : apiAddress.host === '::' ? '[::1]' : apiAddress.host;
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${bracketed}:${apiAddress.port}${consolePath}`;
}

const contentTypes: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

/** One path segment of a built asset: no separators, no dot segments, nothing to decode. */
const assetName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

// The page loads only its own script and styles; nothing inline, no other origin, no framing.
const securityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const missingBundlePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchyard console not built</title></head>
<body><h1>The Switchyard console is not built</h1>
<p>This control plane has no console bundle. Build it in the Switchyard checkout with <code>npm run build:ui</code>
(<code>npm install</code> and <code>npm ci</code> also build it), then reload this page. The App Mesh API works without it.</p>
</body></html>
`;

async function readIfFile(file: string): Promise<Buffer | undefined> {
  try {
    if (!(await stat(file)).isFile()) return undefined;
    return await readFile(file);
  } catch {
    return undefined;
  }
}

export function registerConsoleRoutes(app: FastifyInstance, options: ConsoleRoutesOptions): void {
  const bundleDir = options.bundleDir ?? defaultBundleDir;
  const assetsDir = path.join(bundleDir, 'assets');
  const config = JSON.stringify({ region: options.region, authentication: options.authentication });

  const sendIndex = async (reply: FastifyReply) => {
    const page = await readIfFile(path.join(bundleDir, 'index.html'));
    void reply.headers(securityHeaders).header('cache-control', 'no-cache');
    if (page === undefined) {
      return reply.status(503).header('content-type', contentTypes['.html']).send(missingBundlePage);
    }
    return reply.header('content-type', contentTypes['.html']).send(page);
  };

  app.get(consolePath, async (_request, reply) => sendIndex(reply));
  app.get(`${consolePath}/`, async (_request, reply) => sendIndex(reply));
  // What the browser needs to sign its calls; the region and whether to ask for a key are no secret.
  app.get(`${consolePath}/console-config.json`, async (_request, reply) =>
    reply
      .headers(securityHeaders)
      .header('cache-control', 'no-cache')
      .header('content-type', contentTypes['.json'])
      .send(config),
  );
  app.get<{ Params: { asset: string } }>(`${consolePath}/assets/:asset`, async (request, reply) => {
    void reply.headers(securityHeaders);
    const name = request.params.asset;
    const type = contentTypes[path.extname(name)];
    const body = assetName.test(name) && type ? await readIfFile(path.join(assetsDir, name)) : undefined;
    if (body === undefined) {
      return reply
        .status(404)
        .header('cache-control', 'no-cache')
        .header('content-type', 'text/plain; charset=utf-8')
        .send(`no console asset ${JSON.stringify(name)}\n`);
    }
    // Asset names carry a hash of their content (ui/build.ts): a name never changes meaning.
    return reply
      .header('content-type', type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(body);
  });
  app.get(`${consolePath}/*`, async (request, reply) =>
    reply
      .headers(securityHeaders)
      .status(404)
      .header('cache-control', 'no-cache')
      .header('content-type', 'text/plain; charset=utf-8')
      .send(`no console page ${JSON.stringify(request.raw.url)}; the console starts at ${consolePath}/\n`),
  );
}
