// Bundles the web console (ui/src) with esbuild into ui/dist, which the control plane serves at /ui.

import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const uiDir = path.dirname(fileURLToPath(import.meta.url));
const distDir = path.join(uiDir, 'dist');
const assetsDir = path.join(distDir, 'assets');

/** Names an asset after its content, so it can be cached for good and a new build is never served stale. */
async function hashedName(file: string): Promise<string> {
  const digest = createHash('sha256')
    .update(await readFile(file))
    .digest('hex')
    .slice(0, 12);
  const { name, ext } = path.parse(file);
  return `${name}-${digest}${ext}`;
}

function indexHtml(script: string, styles: string, icon: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Switchyard console</title>
    <link rel="icon" type="image/svg+xml" href="/ui/assets/${icon}" />
    <link rel="stylesheet" href="/ui/assets/${styles}" />
    <script type="module" src="/ui/assets/${script}"></script>
  </head>
  <body>
    <div id="app"><noscript>The Switchyard console needs JavaScript.</noscript></div>
  </body>
</html>
`;
}

async function buildConsole(): Promise<void> {
  const started = Date.now();
  await rm(distDir, { recursive: true, force: true });
  await mkdir(assetsDir, { recursive: true });
  const staging = path.join(distDir, 'staging');
  await build({
    entryPoints: [path.join(uiDir, 'src', 'main.tsx')],
    outfile: path.join(staging, 'console.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: false,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  });
  const script = await hashedName(path.join(staging, 'console.js'));
  await writeFile(path.join(assetsDir, script), await readFile(path.join(staging, 'console.js')));
  const [styles, icon] = await Promise.all(
    ['console.css', 'favicon.svg'].map(async (file) => {
      const name = await hashedName(path.join(uiDir, 'src', file));
      await writeFile(path.join(assetsDir, name), await readFile(path.join(uiDir, 'src', file)));
      return name;
    }),
  );
  await rm(staging, { recursive: true, force: true });
  await writeFile(path.join(distDir, 'index.html'), indexHtml(script, styles!, icon!));
  process.stdout.write(
    `console bundle: ${path.relative(process.cwd(), distDir)} (${Date.now() - started} ms)\n`,
  );
}

await buildConsole();
