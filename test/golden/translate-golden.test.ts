// Golden files: every example mesh translated for each of its nodes (sidecar), each of its virtual services
// (proxyless gRPC) and each of its virtual gateways, compared with test/golden/<example>/. Regenerate with UPDATE_GOLDEN=1, then review the diff.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import prettier from 'prettier';
import { translateGateway, translateGrpcClient, translateSidecar } from '../../src/xds/translate/index.ts';
import { exampleNames, loadExample } from './example-mesh.ts';
import { goldenJson } from './golden-json.ts';
import { mtlsTranslations, tracingTranslations } from './translations.ts';

const update = process.env.UPDATE_GOLDEN === '1';

/** Golden files are kept in the repository's prettier style, so `prettier --check .` leaves them alone. */
async function formatted(file: string, json: string): Promise<string> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(json, { ...options, filepath: file });
}

async function compareGolden(file: string, json: string): Promise<void> {
  const actual = await formatted(file, json);
  if (update) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new Error(`missing golden file ${file}; run with UPDATE_GOLDEN=1 and review it`, { cause });
  }
  assert.equal(actual, expected, `${file} differs; if the change is intended, rerun with UPDATE_GOLDEN=1`);
}

for (const name of exampleNames()) {
  const example = loadExample(name);
  const dir = path.join(import.meta.dirname, name);
  for (const node of example.nodeNames) {
    test(`golden ${name}: sidecar of virtual node ${node}`, async () => {
      await compareGolden(
        path.join(dir, `${node}.json`),
        goldenJson(translateSidecar(example.state, node, example.endpoints)),
      );
    });
  }
  for (const service of example.serviceNames) {
    test(`golden ${name}: proxyless gRPC client of ${service}`, async () => {
      const resources = translateGrpcClient(example.state, service, example.endpoints);
      await compareGolden(path.join(dir, 'grpc', `${service}.json`), goldenJson(resources));
    });
  }
  for (const gateway of example.gatewayNames) {
    test(`golden ${name}: virtual gateway ${gateway}`, async () => {
      const resources = translateGateway(example.state, gateway, example.endpoints);
      await compareGolden(path.join(dir, 'gateway', `${gateway}.json`), goldenJson(resources));
    });
  }
}

for (const { label, goldenFile, resources } of [...mtlsTranslations(), ...tracingTranslations()]) {
  test(`golden ${label}`, async () => {
    await compareGolden(path.join(import.meta.dirname, goldenFile), goldenJson(resources));
  });
}
