// Regenerates src/xds/protos/generated/ from the bundled Envoy protos (`npm run gen:xds-types`).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { envoyProtoFiles, protoIncludeDirs } from './proto-files.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
const outDir = path.join(here, 'generated');
const repoRoot = path.resolve(here, '../../..');

rmSync(outDir, { recursive: true, force: true });
// Same value-shape flags as our loaders (keepCase, String longs/enums, defaults, oneofs) so the types match at run time.
const args = [
  '--keepCase',
  '--longs',
  'String',
  '--enums',
  'String',
  '--defaults',
  '--oneofs',
  '--includeComments',
];
args.push(
  '--importFileExtension',
  '.ts',
  '--grpcLib',
  '@grpc/grpc-js',
  '-O',
  path.relative(repoRoot, outDir),
);
for (const dir of protoIncludeDirs()) args.push('-I', path.relative(repoRoot, dir));
args.push('--', ...envoyProtoFiles);
execFileSync(path.join(repoRoot, 'node_modules/.bin/proto-loader-gen-types'), args, {
  cwd: repoRoot,
  stdio: 'inherit',
});
console.log(`generated Envoy types into ${path.relative(repoRoot, outDir)}`);
