// Regenerates src/xds/protos/generated/ from the bundled Envoy protos (`npm run gen:xds-types`).
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
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
// The generator also writes one aggregate file per entry proto (the `ProtoGrpcType` of grpc-js's
// loadPackageDefinition), each repeating the whole package tree. We load protos through our own Root, so nothing
// uses them: keep only the per-message types in the package folders.
for (const entry of readdirSync(outDir, { withFileTypes: true })) {
  if (entry.isFile() && entry.name.endsWith('.ts')) rmSync(path.join(outDir, entry.name));
}
console.log(`generated Envoy types into ${path.relative(repoRoot, outDir)}`);
