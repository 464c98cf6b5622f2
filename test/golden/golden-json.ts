// Renders translation output as reviewable JSON: embedded Any messages shown as `{"@type": ..., fields}`
// instead of bytes, dependencies as resource paths.
import { resourcePath } from '../../src/model/resource-key.ts';
import { messageType, messageNameOf } from '../../src/xds/protos/index.ts';
import { sourceOfAny, type EnvoyResources } from '../../src/xds/translate/index.ts';

function isAny(value: object): value is { type_url: string; value: Uint8Array } {
  return 'type_url' in value && 'value' in value && (value as { value: unknown }).value instanceof Uint8Array;
}

function readable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(readable);
  if (value === null || typeof value !== 'object') return value;
  if (isAny(value)) {
    let inner = sourceOfAny(value);
    if (!inner) {
      const type = messageType(messageNameOf(value.type_url));
      inner = type.toObject(type.decode(value.value), { longs: String, enums: String });
    }
    return { '@type': value.type_url, ...(readable(inner) as object) };
  }
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, readable(v)]),
  );
}

export function goldenJson(resources: EnvoyResources): string {
  const { dependsOn, ...rest } = resources;
  const view = { ...(readable(rest) as object), dependsOn: dependsOn.map(resourcePath) };
  return `${JSON.stringify(view, null, 2)}\n`;
}
