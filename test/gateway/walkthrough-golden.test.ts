// The walkthrough examples as files: `mesh.json` and `cli-input.json` describe the same resources, every spec
// (and every step's) passes the model's validation, and the gateway translation of the mesh after each step is
// kept as a golden file under test/gateway/golden/. Regenerate with UPDATE_GOLDEN=1, then review the diff.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import prettier from 'prettier';
import { translateGateway } from '../../src/xds/translate/index.ts';
import { goldenJson } from '../golden/golden-json.ts';
import {
  cliInput,
  meshRequests,
  stepFiles,
  toCliInput,
  walkthroughFile,
  walkthroughsDir,
  type CliInput,
} from './support/walkthrough-files.ts';
import { walkthroughState } from './support/walkthrough-state.ts';

const update = process.env.UPDATE_GOLDEN === '1';
const goldenDir = path.join(import.meta.dirname, 'golden');

const walkthroughs = readdirSync(walkthroughsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(walkthroughFile(e.name, 'mesh.json')))
  .map((e) => e.name)
  .sort();

async function compareGolden(file: string, json: string): Promise<void> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  const actual = await prettier.format(json, { ...options, filepath: file });
  if (update) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `missing golden file ${file}; run with UPDATE_GOLDEN=1 and review it`);
  assert.equal(
    actual,
    readFileSync(file, 'utf8'),
    `${file} differs; if intended, rerun with UPDATE_GOLDEN=1`,
  );
}

test('there are walkthroughs to check', () => {
  assert.deepEqual(walkthroughs, ['ingress-gateway', 'match-and-rewrite-at-ingress']);
});

for (const name of walkthroughs) {
  test(`walkthrough ${name}: mesh.json and cli-input.json describe the same resources`, () => {
    const requests = meshRequests(name);
    const meshName = String(requests.find((r) => r.kind === 'mesh')?.body.meshName);
    assert.deepEqual(
      requests.map((r) => toCliInput(meshName, r)),
      cliInput(name),
    );
  });

  const stages: { label: string; docs: CliInput[] }[] = [{ label: 'mesh', docs: cliInput(name) }];
  for (const step of stepFiles(name)) {
    stages.push({
      label: path.basename(step, '.json'),
      docs: [...stages.at(-1)!.docs, ...cliInput(name, step)],
    });
  }
  for (const { label, docs } of stages) {
    test(`golden walkthrough ${name} (${label}): virtual gateway translation`, async () => {
      const { state, endpoints, gatewayNames } = walkthroughState(docs);
      assert.ok(gatewayNames.length > 0);
      for (const gateway of gatewayNames) {
        await compareGolden(
          path.join(goldenDir, name, label, `${gateway}.json`),
          goldenJson(translateGateway(state, gateway, endpoints)),
        );
      }
    });
  }
}
