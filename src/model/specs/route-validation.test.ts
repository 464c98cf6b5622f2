// One row per constraint of the Route spec (http, http2, grpc and tcp routes).

import { rowsFrom, runValidationTable } from './validation-table.ts';

const targets = [{ virtualNode: 'red', weight: 100 }];
const http = rowsFrom('route', {
  httpRoute: { match: { prefix: '/' }, action: { weightedTargets: targets } },
});
const grpc = rowsFrom('route', {
  grpcRoute: { match: { serviceName: 'color.ColorService' }, action: { weightedTargets: targets } },
});
const tcp = rowsFrom('route', { tcpRoute: { action: { weightedTargets: targets } } });

const m = 'httpRoute.match';
const sm = `spec.${m}`;
const wt = 'httpRoute.action.weightedTargets';
const swt = `spec.${wt}`;
const rp = 'httpRoute.retryPolicy';
const srp = `spec.${rp}`;
const retry = {
  maxRetries: 2,
  perRetryTimeout: { unit: 'ms', value: 500 },
  httpRetryEvents: ['server-error'],
};
const second = (n: number) => Array.from({ length: n }, (_, i) => ({ virtualNode: `n${i}`, weight: 1 }));
const headers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `h${i}` }));
const long = (n: number): string => 'x'.repeat(n);

// prettier-ignore
runValidationTable([
  http('exactly one route type (none)', {}, { httpRoute: undefined, priority: 1 }, 'spec', 'must set exactly one of httpRoute, http2Route, grpcRoute, tcpRoute'),
  http('exactly one route type (two)', {}, { tcpRoute: { action: { weightedTargets: targets } } }, 'spec', 'got httpRoute and tcpRoute'),
  http('http2Route takes an http route', { http2Route: { match: { prefix: '/' }, action: { weightedTargets: targets } }, httpRoute: undefined }, { http2Route: { match: {}, action: { weightedTargets: targets } }, httpRoute: undefined }, 'spec.http2Route.match', 'must set exactly one of prefix, path'),
  http('priority 0–1000', { priority: 1000 }, { priority: 1001 }, 'spec.priority', 'between 0 and 1000'),
  http('match required', {}, { [m]: undefined }, sm, 'is required'),
  http('action required', {}, { 'httpRoute.action': undefined }, 'spec.httpRoute.action', 'is required'),
  http('prefix xor path (both)', { [m]: { path: { exact: '/a' } } }, { [`${m}.path`]: { exact: '/a' } }, sm, 'must set exactly one of prefix, path, got prefix and path'),
  http('prefix xor path (neither)', {}, { [m]: { method: 'GET' } }, sm, 'must set exactly one of prefix, path'),
  http('a port alone matches every path', { [m]: { port: 8080, method: 'GET' } }, { [m]: { headers: [{ name: 'x' }] } }, sm, 'must set exactly one of prefix, path'),
  http('a port does not lift prefix xor path (both)', { [m]: { port: 8080, prefix: '/' } }, { [m]: { port: 8080, prefix: '/', path: { exact: '/a' } } }, sm, 'got prefix and path'),
  http('http2 port-only match', { http2Route: { match: { port: 8080 }, action: { weightedTargets: targets } }, httpRoute: undefined }, { http2Route: { match: { scheme: 'https' }, action: { weightedTargets: targets } }, httpRoute: undefined }, 'spec.http2Route.match', 'must set exactly one of prefix, path'),
  http('prefix starts with /', { [`${m}.prefix`]: '/color' }, { [`${m}.prefix`]: 'color' }, `${sm}.prefix`, "must start with '/'"),
  http('path exact xor regex', { [m]: { path: { regex: '^/c.*$' } } }, { [m]: { path: { exact: '/a', regex: 'a' } } }, `${sm}.path`, 'must set exactly one of exact, regex'),
  http('path exact 1–255', { [m]: { path: { exact: `/${long(254)}` } } }, { [m]: { path: { exact: `/${long(255)}` } } }, `${sm}.path.exact`, 'at most 255'),
  http('path exact starts with /', {}, { [m]: { path: { exact: 'a' } } }, `${sm}.path.exact`, "must start with '/'"),
  http('path regex compiles', { [m]: { path: { regex: '^/(red|blue)$' } } }, { [m]: { path: { regex: '^/(red' } } }, `${sm}.path.regex`, 'must be a valid regular expression'),
  http('method enum', { [`${m}.method`]: 'PATCH' }, { [`${m}.method`]: 'get' }, `${sm}.method`, 'must be one of GET, HEAD'),
  http('scheme enum', { [`${m}.scheme`]: 'https' }, { [`${m}.scheme`]: 'ftp' }, `${sm}.scheme`, 'must be one of http, https'),
  http('match port range', { [`${m}.port`]: 8080 }, { [`${m}.port`]: 0 }, `${sm}.port`, 'between 1 and 65535'),
  http('headers 1–10 (empty)', { [`${m}.headers`]: headers(10) }, { [`${m}.headers`]: [] }, `${sm}.headers`, 'at least 1 item'),
  http('headers 1–10 (eleven)', {}, { [`${m}.headers`]: headers(11) }, `${sm}.headers`, 'at most 10'),
  http('header name required', {}, { [`${m}.headers`]: [{ invert: true }] }, `${sm}.headers[0].name`, 'is required'),
  http('header name 1–50', { [`${m}.headers`]: [{ name: long(50) }] }, { [`${m}.headers`]: [{ name: long(51) }] }, `${sm}.headers[0].name`, 'at most 50'),
  http('header match is a union', { [`${m}.headers`]: [{ name: 'x', match: { suffix: 'y' } }] }, { [`${m}.headers`]: [{ name: 'x', match: { exact: 'a', prefix: 'b' } }] }, `${sm}.headers[0].match`, 'must set exactly one of exact, prefix, range, regex, suffix'),
  http('header match string 1–255', { [`${m}.headers`]: [{ name: 'x', match: { exact: long(255) } }] }, { [`${m}.headers`]: [{ name: 'x', match: { prefix: '' } }] }, `${sm}.headers[0].match.prefix`, 'must not be empty'),
  http('header regex compiles', { [`${m}.headers`]: [{ name: 'x', match: { regex: 'a+' } }] }, { [`${m}.headers`]: [{ name: 'x', match: { regex: '[a' } }] }, `${sm}.headers[0].match.regex`, 'must be a valid regular expression'),
  http('header range end > start', { [`${m}.headers`]: [{ name: 'x', match: { range: { start: 1, end: 2 } } }] }, { [`${m}.headers`]: [{ name: 'x', match: { range: { start: 2, end: 2 } } }] }, `${sm}.headers[0].match.range.end`, 'must be greater than start (2)'),
  http('header range start required', {}, { [`${m}.headers`]: [{ name: 'x', match: { range: { end: 2 } } }] }, `${sm}.headers[0].match.range.start`, 'is required'),
  http('query parameters 1–10', { [`${m}.queryParameters`]: [{ name: 'debug', match: { exact: 'true' } }] }, { [`${m}.queryParameters`]: [] }, `${sm}.queryParameters`, 'at least 1 item'),
  http('query parameter name required', {}, { [`${m}.queryParameters`]: [{ match: { exact: 'true' } }] }, `${sm}.queryParameters[0].name`, 'is required'),

  http('weighted targets 1–10 (empty)', { [wt]: second(10) }, { [wt]: [] }, swt, 'at least 1 item'),
  http('weighted targets 1–10 (eleven)', {}, { [wt]: second(11) }, swt, 'at most 10'),
  http('weight 0–100', { [wt]: [{ virtualNode: 'a', weight: 0 }, { virtualNode: 'b', weight: 100 }] }, { [wt]: [{ virtualNode: 'a', weight: 101 }] }, `${swt}[0].weight`, 'between 0 and 100'),
  http('target virtualNode required', {}, { [wt]: [{ weight: 1 }] }, `${swt}[0].virtualNode`, 'is required'),
  http('target virtualNode 1–255', {}, { [wt]: [{ virtualNode: long(256), weight: 1 }] }, `${swt}[0].virtualNode`, 'at most 255'),
  http('target port range', { [wt]: [{ virtualNode: 'a', weight: 1, port: 9080 }] }, { [wt]: [{ virtualNode: 'a', weight: 1, port: 70000 }] }, `${swt}[0].port`, 'between 1 and 65535'),
  http('some weight above 0', { [wt]: [{ virtualNode: 'a', weight: 0 }, { virtualNode: 'b', weight: 1 }] }, { [wt]: [{ virtualNode: 'a', weight: 0 }] }, swt, 'at least one weighted target must have a weight greater than 0'),
  http('weights add up to at most 100', { [wt]: [{ virtualNode: 'a', weight: 50 }, { virtualNode: 'b', weight: 50 }] }, { [wt]: [{ virtualNode: 'a', weight: 60 }, { virtualNode: 'b', weight: 50 }] }, swt, 'at most 100, got 110'),
  http('duplicate node+port targets', { [wt]: [{ virtualNode: 'a', weight: 50, port: 1 }, { virtualNode: 'a', weight: 50, port: 2 }] }, { [wt]: [{ virtualNode: 'a', weight: 50, port: 1 }, { virtualNode: 'a', weight: 50, port: 1 }] }, `${swt}[1]`, 'duplicates spec.httpRoute.action.weightedTargets[0]'),

  http('retry maxRetries required', { [rp]: retry }, { [rp]: { ...retry, maxRetries: undefined } }, `${srp}.maxRetries`, 'is required'),
  http('retry maxRetries at least 0', { [rp]: { ...retry, maxRetries: 0 } }, { [rp]: { ...retry, maxRetries: -1 } }, `${srp}.maxRetries`, 'at least 0'),
  http('retry perRetryTimeout required', {}, { [rp]: { ...retry, perRetryTimeout: undefined } }, `${srp}.perRetryTimeout`, 'is required'),
  http('retry needs an event list', { [rp]: { ...retry, httpRetryEvents: undefined, tcpRetryEvents: ['connection-error'] } }, { [rp]: { ...retry, httpRetryEvents: undefined } }, srp, 'must set at least one of httpRetryEvents, tcpRetryEvents'),
  http('http retry events enum', { [rp]: { ...retry, httpRetryEvents: ['server-error', 'gateway-error', 'client-error', 'stream-error'] } }, { [rp]: { ...retry, httpRetryEvents: ['5xx'] } }, `${srp}.httpRetryEvents[0]`, 'must be one of server-error, gateway-error, client-error, stream-error'),
  http('http retry events 1–25', {}, { [rp]: { ...retry, httpRetryEvents: [] } }, `${srp}.httpRetryEvents`, 'at least 1 item'),
  http('tcp retry events exactly 1', {}, { [rp]: { ...retry, tcpRetryEvents: ['connection-error', 'connection-error'] } }, `${srp}.tcpRetryEvents`, 'at most 1'),
  http('tcp retry events enum', {}, { [rp]: { ...retry, tcpRetryEvents: ['reset'] } }, `${srp}.tcpRetryEvents[0]`, 'must be one of connection-error'),
  http('http retry has no grpc events', {}, { [rp]: { ...retry, grpcRetryEvents: ['cancelled'] } }, `${srp}.grpcRetryEvents`, 'is not a known member'),
  http('route timeout durations', { 'httpRoute.timeout': { perRequest: { unit: 's', value: 15 }, idle: { unit: 's', value: 300 } } }, { 'httpRoute.timeout': { perRequest: { unit: 'h', value: 1 } } }, 'spec.httpRoute.timeout.perRequest.unit', 'must be one of s, ms'),

  grpc('methodName requires serviceName', { 'grpcRoute.match': { serviceName: 's', methodName: 'Get' } }, { 'grpcRoute.match': { methodName: 'Get' } }, 'spec.grpcRoute.match.serviceName', 'is required when methodName is set'),
  grpc('methodName 1–50', {}, { 'grpcRoute.match.methodName': long(51) }, 'spec.grpcRoute.match.methodName', 'at most 50'),
  grpc('empty match matches everything', { 'grpcRoute.match': {} }, { 'grpcRoute.match': undefined }, 'spec.grpcRoute.match', 'is required'),
  grpc('metadata 1–10', { 'grpcRoute.match.metadata': headers(10) }, { 'grpcRoute.match.metadata': headers(11) }, 'spec.grpcRoute.match.metadata', 'at most 10'),
  grpc('metadata range end > start', { 'grpcRoute.match.metadata': [{ name: 'v', match: { range: { start: 0, end: 10 } } }] }, { 'grpcRoute.match.metadata': [{ name: 'v', match: { range: { start: 10, end: 0 } } }] }, 'spec.grpcRoute.match.metadata[0].match.range.end', 'must be greater than start'),
  grpc('grpc retry events enum', { 'grpcRoute.retryPolicy': { maxRetries: 1, perRetryTimeout: { unit: 's', value: 1 }, grpcRetryEvents: ['unavailable', 'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted'] } }, { 'grpcRoute.retryPolicy': { maxRetries: 1, perRetryTimeout: { unit: 's', value: 1 }, grpcRetryEvents: ['aborted'] } }, 'spec.grpcRoute.retryPolicy.grpcRetryEvents[0]', 'must be one of cancelled'),
  grpc('grpc retry events 1–5', {}, { 'grpcRoute.retryPolicy': { maxRetries: 1, perRetryTimeout: { unit: 's', value: 1 }, grpcRetryEvents: Array(6).fill('internal') } }, 'spec.grpcRoute.retryPolicy.grpcRetryEvents', 'at most 5'),
  grpc('grpc retry needs an event list', {}, { 'grpcRoute.retryPolicy': { maxRetries: 1, perRetryTimeout: { unit: 's', value: 1 } } }, 'spec.grpcRoute.retryPolicy', 'must set at least one of grpcRetryEvents, httpRetryEvents, tcpRetryEvents'),

  tcp('tcp match has only a port', { 'tcpRoute.match.port': 5432 }, { 'tcpRoute.match.prefix': '/' }, 'spec.tcpRoute.match.prefix', 'is not a known member'),
  tcp('tcp route has no retry policy', {}, { 'tcpRoute.retryPolicy': { maxRetries: 1 } }, 'spec.tcpRoute.retryPolicy', 'is not a known member'),
  tcp('tcp timeout has only idle', { 'tcpRoute.timeout.idle': { unit: 's', value: 0 } }, { 'tcpRoute.timeout.perRequest': { unit: 's', value: 1 } }, 'spec.tcpRoute.timeout.perRequest', 'is not a known member'),
  tcp('tcp action required', {}, { 'tcpRoute.action': undefined }, 'spec.tcpRoute.action', 'is required'),
]);
