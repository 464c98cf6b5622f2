// Every resource of every golden translation survives the real protobuf encoding field for field, including the
// messages embedded in Any: protobufjs `fromObject` silently drops misspelt keys, so a typo shows up here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageNameOf, messageType, packAny } from '../../src/xds/protos/index.ts';
import { sourceOfAny } from '../../src/xds/translate/index.ts';
import { allTranslations, typedResources } from './translations.ts';

function isAny(value: object): value is { type_url: string; value: Uint8Array } {
  return 'type_url' in value && (value as { value?: unknown }).value instanceof Uint8Array;
}

/** Decodes what `message` encodes to, without defaults, so only fields on the wire appear. */
function roundTrip(typeUrl: string, message: object): Record<string, unknown> {
  const type = messageType(messageNameOf(typeUrl));
  const any = packAny(typeUrl, message);
  return type.toObject(type.decode(any.value), { longs: String, enums: String }) as Record<string, unknown>;
}

const isDefaultScalar = (value: unknown): boolean => value === 0 || value === '' || value === false;

/** Every field set in `input` must come back in `output` with the same value. */
function compare(input: unknown, output: unknown, path: string, problems: string[]): void {
  if (input === undefined || input === null) return;
  if (Array.isArray(input)) {
    if (input.length === 0) return;
    if (!Array.isArray(output) || output.length !== input.length) {
      problems.push(`${path}: ${input.length} items sent, ${JSON.stringify(output)} decoded`);
      return;
    }
    input.forEach((item, i) => compare(item, output[i], `${path}[${i}]`, problems));
    return;
  }
  if (typeof input === 'object') {
    if (input instanceof Uint8Array) return;
    if (output === undefined || output === null || typeof output !== 'object') {
      problems.push(`${path}: message dropped`);
      return;
    }
    if (isAny(input)) {
      const source = sourceOfAny(input);
      if (!source) {
        problems.push(`${path}: an Any not built with packTyped, cannot check its fields`);
        return;
      }
      checkMessage(input.type_url, source, `${path}<${messageNameOf(input.type_url)}>`, problems);
      return;
    }
    for (const [key, value] of Object.entries(input)) {
      compare(value, (output as Record<string, unknown>)[key], `${path}.${key}`, problems);
    }
    return;
  }
  if (output === undefined && isDefaultScalar(input)) return;
  if (String(input) !== String(output)) {
    problems.push(`${path}: sent ${JSON.stringify(input)}, decoded ${JSON.stringify(output)}`);
  }
}

function checkMessage(typeUrl: string, message: object, path: string, problems: string[]): void {
  compare(message, roundTrip(typeUrl, message), path, problems);
}

for (const { label, resources } of allTranslations()) {
  test(`protobuf round trip: ${label}`, () => {
    const problems: string[] = [];
    for (const { typeUrl, name, message } of typedResources(resources)) {
      checkMessage(typeUrl, message, `${messageNameOf(typeUrl)} ${name}`, problems);
    }
    assert.deepEqual(problems, []);
  });
}

test('the round-trip check catches a misspelt field', () => {
  const problems: string[] = [];
  const cluster = { name: 'c', type: 'EDS', conect_timeout: { seconds: 1 } };
  checkMessage('type.googleapis.com/envoy.config.cluster.v3.Cluster', cluster, 'Cluster c', problems);
  assert.deepEqual(problems, ['Cluster c.conect_timeout: message dropped']);
});
