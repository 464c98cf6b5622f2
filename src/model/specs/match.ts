// Request-matching shapes shared by routes and gateway routes: headers, gRPC metadata, paths, query
// parameters, methods and hostnames.

import {
  boolean,
  integer,
  list,
  oneOf,
  refine,
  required,
  string,
  struct,
  union,
  type Infer,
  type Shape,
} from '../shape.ts';

/**
 * A regular expression string. Envoy evaluates these with RE2, which we cannot run here; compiling
 * with the JavaScript engine at least rejects what no engine could accept (unbalanced groups etc.).
 */
export function regexShape(max: number): Shape<string> {
  return refine(string({ min: 1, max }), (value, path, out) => {
    try {
      new RegExp(value);
    } catch (error) {
      out.push({ path, message: `must be a valid regular expression: ${(error as Error).message}` });
    }
  });
}

/** `{start, end}`: start inclusive, end exclusive, so an empty or reversed range can never match. */
export const matchRangeShape = refine(
  struct({ end: required(integer()), start: required(integer()) }),
  (range, path, out) => {
    if (range.end <= range.start) {
      out.push({
        path: `${path}.end`,
        message: `must be greater than start (${range.start}), got ${range.end}`,
      });
    }
  },
);
export type MatchRange = Infer<typeof matchRangeShape>;

const matchString = string({ min: 1, max: 255 });

/** Header and gRPC metadata value matchers (the model's HeaderMatchMethod and its metadata twins). */
export const headerMatchMethodShape = union({
  exact: matchString,
  prefix: matchString,
  range: matchRangeShape,
  regex: regexShape(255),
  suffix: matchString,
});
export type HeaderMatchMethod = Infer<typeof headerMatchMethodShape>;

/** An HTTP header or gRPC metadata entry; without `match` it only checks presence. */
export const headerShape = struct({
  invert: boolean(),
  match: headerMatchMethodShape,
  name: required(string({ min: 1, max: 50 })),
});
export type HttpRouteHeader = Infer<typeof headerShape>;

export const headersShape = list(headerShape, { min: 1, max: 10 });

/**
 * `path {exact | regex}`. An exact path must start with '/': request paths always do, so anything else
 * could never match (App Mesh does not document this; we reject it to catch the mistake early).
 */
export const httpPathMatchShape = refine(
  union({ exact: string({ min: 1, max: 255 }), regex: regexShape(255) }),
  (match, path, out) => {
    if (match.exact !== undefined && match.exact !== null && !match.exact.startsWith('/')) {
      out.push({ path: `${path}.exact`, message: "must start with '/'" });
    }
  },
);
export type HttpPathMatch = Infer<typeof httpPathMatchShape>;

export const queryParameterShape = struct({
  match: struct({ exact: string() }),
  // The model leaves the name unconstrained; an empty name cannot appear in a query string.
  name: required(string({ min: 1 })),
});
export type HttpQueryParameter = Infer<typeof queryParameterShape>;

export const queryParametersShape = list(queryParameterShape, { min: 1, max: 10 });

export const httpMethodShape = oneOf([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
] as const);
export type HttpMethod = Infer<typeof httpMethodShape>;

/** Gateway route hostname match: exactly one of exact / suffix. */
export const hostnameMatchShape = union({
  exact: string({ min: 1, max: 253 }),
  suffix: string({ min: 1, max: 253 }),
});
export type GatewayRouteHostnameMatch = Infer<typeof hostnameMatchShape>;
