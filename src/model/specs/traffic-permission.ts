// The TrafficPermission spec (a Switchyard extension, not App Mesh): which callers may reach one virtual
// service, each allow entry optionally narrowed to a path prefix and to methods.

import { list, refine, required, string, struct, union, type Infer, type Shape } from '../shape.ts';
import { resourceNameShape, serviceNameShape } from '../names.ts';

/** Bounds that keep one permission (and the RBAC policies it becomes) small. */
export const trafficPermissionLimits = Object.freeze({
  allowEntries: 20,
  sourcesPerEntry: 50,
  methodsPerEntry: 16,
  pathPrefixLength: 1024,
  spiffeIdLength: 2048,
});

const trustDomainPart = '[a-z0-9._-]{1,255}';
/** A path segment of a SPIFFE ID: no '/', no '*', no whitespace or control characters. */
const segmentPart = '[^/*\\s\\u0000-\\u001f\\u007f]+';
const exactSpiffeId = new RegExp(`^spiffe://${trustDomainPart}(/${segmentPart})+$`, 'u');
/** What may precede a trailing '*': the trust domain and '/', then whole segments and perhaps a partial one. */
const spiffePrefix = new RegExp(`^spiffe://${trustDomainPart}/(${segmentPart}(/${segmentPart})*/?)?$`, 'u');

/** Why `value` is not a SPIFFE ID (optionally ending in one `*` that matches any rest), or undefined. */
export function spiffeIdPatternProblem(value: string): string | undefined {
  const star = value.indexOf('*');
  if (star !== -1 && star !== value.length - 1) {
    return "may hold one '*', only as its last character";
  }
  if (star === -1) {
    return exactSpiffeId.test(value)
      ? undefined
      : 'must be a SPIFFE ID: spiffe://<trust domain>/<path>, the trust domain in lowercase letters, digits, ".", "-" and "_"';
  }
  return spiffePrefix.test(value.slice(0, -1))
    ? undefined
    : "must be a SPIFFE ID prefix followed by '*' (spiffe://<trust domain>/… then '*')";
}

const spiffeIdShape: Shape<string> = refine(
  string({ min: 1, max: trafficPermissionLimits.spiffeIdLength }),
  (value, path, out) => {
    const problem = spiffeIdPatternProblem(value);
    if (problem) out.push({ path, message: problem });
  },
);

/** A caller: one of the mesh's virtual nodes or gateways by name, or any workload by SPIFFE ID (pattern). */
export const trafficSourceShape = union({
  virtualNodeName: resourceNameShape,
  virtualGatewayName: resourceNameShape,
  spiffeId: spiffeIdShape,
});
export type TrafficSource = Infer<typeof trafficSourceShape>;

// eslint-disable-next-line no-control-regex
const unusableInPath = /[\u0000-\u0020\u007f?#]/;

const pathPrefixShape: Shape<string> = refine(
  string({ min: 1, max: trafficPermissionLimits.pathPrefixLength }),
  (value, path, out) => {
    if (!value.startsWith('/')) out.push({ path, message: "must start with '/'" });
    // A request path never holds these (the query and fragment are not part of it): the rule could not match.
    if (unusableInPath.test(value)) {
      out.push({ path, message: "must not contain whitespace, control characters, '?' or '#'" });
    }
  },
);

/** An HTTP method as RFC 9110 spells a token, in upper case (methods are case-sensitive; all standard ones are). */
const methodShape: Shape<string> = string({ min: 1, max: 32, pattern: /^[A-Z0-9!#$%&'*+.^_`|~-]+$/ });

const methodsShape: Shape<string[]> = refine(
  list(methodShape, { min: 1, max: trafficPermissionLimits.methodsPerEntry }),
  (methods, path, out) => {
    methods.forEach((method, index) => {
      const first = methods.indexOf(method);
      if (first !== index) out.push({ path: `${path}[${index}]`, message: `duplicates ${path}[${first}]` });
    });
  },
);

export const trafficAllowShape = struct({
  from: required(list(trafficSourceShape, { min: 1, max: trafficPermissionLimits.sourcesPerEntry })),
  pathPrefix: pathPrefixShape,
  methods: methodsShape,
});
export type TrafficAllow = Infer<typeof trafficAllowShape>;

export const trafficPermissionSpecShape = struct({
  virtualServiceName: required(serviceNameShape),
  allow: required(list(trafficAllowShape, { min: 1, max: trafficPermissionLimits.allowEntries })),
});
export type TrafficPermissionSpec = Infer<typeof trafficPermissionSpecShape>;
