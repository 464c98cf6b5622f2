// Shapes for the names, tokens, tags and owner ids that App Mesh requests carry outside the spec.

import { list, refine, required, string, struct, type Infer, type Shape } from './shape.ts';

// Control characters (C0, DEL, C1) would make names unprintable in logs, ARNs and Envoy stat names.
// eslint-disable-next-line no-control-regex
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;

function nameShape(): Shape<string> {
  return refine(string({ min: 1, max: 255 }), (value, path, out) => {
    // '/' separates segments in ARNs and proxy node ids; allowing it would make them ambiguous.
    if (value.includes('/')) out.push({ path, message: "must not contain '/'" });
    if (controlCharacter.test(value)) out.push({ path, message: 'must not contain control characters' });
  });
}

/** Mesh, node, router, route, gateway and gateway route names (model: 1–255 characters). */
export const resourceNameShape: Shape<string> = nameShape();

/**
 * Virtual service names. The model leaves `ServiceName` unconstrained; in practice it is a DNS name,
 * and it lands in ARNs like every other name, so the same rules apply.
 */
export const serviceNameShape: Shape<string> = nameShape();

/** Idempotency token: documented (not modeled) as up to 36 letters, digits, hyphens and underscores. */
export const clientTokenShape: Shape<string> = string({ min: 1, max: 36, pattern: /^[A-Za-z0-9_-]*$/ });

const tagShape = struct({
  key: required(string({ min: 1, max: 128 })),
  value: required(string({ min: 0, max: 256 })),
});

export type TagRef = Infer<typeof tagShape>;

/** Tags on Create* and TagResource: at most 50; a key may appear only once per request. */
export const tagListShape: Shape<TagRef[]> = refine(list(tagShape, { max: 50 }), (tags, path, out) => {
  const seen = new Map<string, number>();
  tags.forEach((tag, index) => {
    const first = seen.get(tag.key);
    if (first === undefined) seen.set(tag.key, index);
    else out.push({ path: `${path}[${index}].key`, message: `duplicates the key of ${path}[${first}]` });
  });
});

/** UntagResource `tagKeys`. */
export const tagKeysShape: Shape<string[]> = list(string({ min: 1, max: 128 }), { max: 50 });

/** `meshOwner` query parameter / member: an AWS account id. */
export const meshOwnerShape: Shape<string> = refine(string(), (value, path, out) => {
  if (!/^[0-9]{12}$/.test(value)) out.push({ path, message: 'must be exactly 12 digits' });
});
