// One row per constraint of the VirtualRouter, VirtualGateway and GatewayRoute specs.

import { rowsFrom, runValidationTable } from './validation-table.ts';

const router = rowsFrom('virtualRouter', { listeners: [{ portMapping: { port: 9080, protocol: 'http' } }] });
const gateway = rowsFrom('virtualGateway', {
  listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
});
const target = { virtualService: { virtualServiceName: 'color.local' } };
const gr = rowsFrom('gatewayRoute', { httpRoute: { match: { prefix: '/color' }, action: { target } } });
const ggr = rowsFrom('gatewayRoute', {
  grpcRoute: { match: { serviceName: 'color.Color' }, action: { target } },
});

const healthCheck = {
  healthyThreshold: 2,
  intervalMillis: 5000,
  protocol: 'http',
  timeoutMillis: 2000,
  unhealthyThreshold: 2,
};
const l0 = 'listeners[0]';
const sl0 = `spec.${l0}`;
const m = 'httpRoute.match';
const sm = `spec.${m}`;
const rw = 'httpRoute.action.rewrite';
const srw = `spec.${rw}`;

// prettier-ignore
runValidationTable([
  router('listeners at least 1 when given', { listeners: undefined }, { listeners: [] }, 'spec.listeners', 'at least 1 item'),
  router('listener portMapping required', {}, { [l0]: {} }, `${sl0}.portMapping`, 'is required'),
  router('listener protocol enum', { [`${l0}.portMapping.protocol`]: 'tcp' }, { [`${l0}.portMapping.protocol`]: 'udp' }, `${sl0}.portMapping.protocol`, 'must be one of'),
  router('listener has only a portMapping', {}, { [`${l0}.tls`]: {} }, `${sl0}.tls`, 'is not a known member'),
  router('duplicate listener ports', { listeners: [{ portMapping: { port: 1, protocol: 'http' } }, { portMapping: { port: 2, protocol: 'grpc' } }] }, { listeners: [{ portMapping: { port: 1, protocol: 'http' } }, { portMapping: { port: 1, protocol: 'grpc' } }] }, 'spec.listeners[1].portMapping.port', 'already used by spec.listeners[0]'),

  gateway('listeners required', {}, { listeners: undefined }, 'spec.listeners', 'is required'),
  gateway('listeners at least 1', {}, { listeners: [] }, 'spec.listeners', 'at least 1 item'),
  gateway('listener protocol has no tcp', { [`${l0}.portMapping.protocol`]: 'grpc' }, { [`${l0}.portMapping.protocol`]: 'tcp' }, `${sl0}.portMapping.protocol`, 'must be one of http, http2, grpc'),
  gateway('duplicate listener ports', { listeners: [{ portMapping: { port: 1, protocol: 'http' } }, { portMapping: { port: 2, protocol: 'http2' } }] }, { listeners: [{ portMapping: { port: 1, protocol: 'http' } }, { portMapping: { port: 1, protocol: 'http2' } }] }, 'spec.listeners[1].portMapping.port', 'already used'),
  gateway('connection pool has no tcp', { [`${l0}.connectionPool`]: { http: { maxConnections: 100 } } }, { [`${l0}.connectionPool`]: { tcp: { maxConnections: 100 } } }, `${sl0}.connectionPool.tcp`, 'is not a known member'),
  gateway('connection pool matches listener protocol', {}, { [`${l0}.connectionPool`]: { grpc: { maxRequests: 100 } } }, `${sl0}.connectionPool.grpc`, 'must match the listener protocol http'),
  gateway('health check protocol has no tcp', { [`${l0}.healthCheck`]: healthCheck }, { [`${l0}.healthCheck`]: { ...healthCheck, protocol: 'tcp' } }, `${sl0}.healthCheck.protocol`, 'must be one of http, http2, grpc'),
  gateway('health check port equals listener port', { [`${l0}.healthCheck`]: { ...healthCheck, port: 8080 } }, { [`${l0}.healthCheck`]: { ...healthCheck, port: 80 } }, `${sl0}.healthCheck.port`, 'must equal the listener port 8080'),
  gateway('listener has no timeout', {}, { [`${l0}.timeout`]: { http: {} } }, `${sl0}.timeout`, 'is not a known member'),
  gateway('listener has no outlier detection', {}, { [`${l0}.outlierDetection`]: {} }, `${sl0}.outlierDetection`, 'is not a known member'),
  gateway('listener tls mode required', { [`${l0}.tls`]: { mode: 'PERMISSIVE', certificate: { sds: { secretName: 'gw' } } } }, { [`${l0}.tls`]: { certificate: { sds: { secretName: 'gw' } } } }, `${sl0}.tls.mode`, 'is required'),
  gateway('client policy validation required', { 'backendDefaults.clientPolicy.tls.validation.trust.file.certificateChain': '/ca.pem' }, { 'backendDefaults.clientPolicy.tls.enforce': false }, 'spec.backendDefaults.clientPolicy.tls.validation', 'is required'),
  gateway('access log path required', { 'logging.accessLog.file.path': '/dev/stdout' }, { 'logging.accessLog.file.format.text': 'x' }, 'spec.logging.accessLog.file.path', 'is required'),

  gr('exactly one route type', {}, { httpRoute: undefined }, 'spec', 'must set exactly one of httpRoute, http2Route, grpcRoute'),
  gr('no tcp gateway routes', {}, { tcpRoute: {} }, 'spec.tcpRoute', 'is not a known member'),
  gr('priority 0–1000', { priority: 0 }, { priority: -1 }, 'spec.priority', 'between 0 and 1000'),
  gr('match needs prefix, path or hostname', { [m]: { hostname: { exact: 'color.example.com' } } }, { [m]: { method: 'GET' } }, sm, 'must set at least one of prefix, path, hostname'),
  gr('prefix and path exclusive', { [m]: { path: { exact: '/color' } } }, { [`${m}.path`]: { exact: '/color' } }, sm, 'must set only one of prefix, path'),
  gr('prefix starts with /', {}, { [`${m}.prefix`]: 'color' }, `${sm}.prefix`, "must start with '/'"),
  gr('reserved prefix /aws-appmesh', { [`${m}.prefix`]: '/aws' }, { [`${m}.prefix`]: '/aws-appmesh/stats' }, `${sm}.prefix`, 'reserved /aws-appmesh'),
  gr('reserved prefix /aws-app-mesh', {}, { [`${m}.prefix`]: '/aws-app-mesh' }, `${sm}.prefix`, 'reserved /aws-app-mesh'),
  gr('reserved exact path', {}, { [m]: { path: { exact: '/aws-appmesh' } } }, `${sm}.path.exact`, 'reserved'),
  gr('hostname exact xor suffix', { [`${m}.hostname`]: { suffix: '.example.com' } }, { [`${m}.hostname`]: { exact: 'a.com', suffix: '.com' } }, `${sm}.hostname`, 'must set exactly one of exact, suffix'),
  gr('hostname 1–253', {}, { [`${m}.hostname`]: { exact: 'x'.repeat(254) } }, `${sm}.hostname.exact`, 'at most 253'),
  gr('http gateway match has no scheme', {}, { [`${m}.scheme`]: 'http' }, `${sm}.scheme`, 'is not a known member'),
  gr('target required', {}, { 'httpRoute.action.target': undefined }, 'spec.httpRoute.action.target', 'is required'),
  gr('target virtual service required', {}, { 'httpRoute.action.target': { port: 80 } }, 'spec.httpRoute.action.target.virtualService', 'is required'),
  gr('target service name 1–255', {}, { 'httpRoute.action.target.virtualService.virtualServiceName': 'x'.repeat(256) }, 'spec.httpRoute.action.target.virtualService.virtualServiceName', 'at most 255'),
  gr('target port range', { 'httpRoute.action.target.port': 8080 }, { 'httpRoute.action.target.port': 0 }, 'spec.httpRoute.action.target.port', 'between 1 and 65535'),
  gr('rewrite needs a member', { [rw]: { hostname: { defaultTargetHostname: 'DISABLED' } } }, { [rw]: {} }, srw, 'must set at least one of hostname, path, prefix'),
  gr('defaultTargetHostname enum', {}, { [rw]: { hostname: { defaultTargetHostname: 'OFF' } } }, `${srw}.hostname.defaultTargetHostname`, 'must be one of ENABLED, DISABLED'),
  gr('prefix rewrite defaultPrefix xor value (both)', { [rw]: { prefix: { defaultPrefix: 'DISABLED' } } }, { [rw]: { prefix: { defaultPrefix: 'DISABLED', value: '/x/' } } }, `${srw}.prefix`, 'must set exactly one of defaultPrefix, value'),
  gr('prefix rewrite defaultPrefix xor value (neither)', { [rw]: { prefix: { value: '/x/' } } }, { [rw]: { prefix: {} } }, `${srw}.prefix`, 'must set exactly one of defaultPrefix, value'),
  gr('prefix rewrite value starts and ends with /', { [rw]: { prefix: { value: '/' } } }, { [rw]: { prefix: { value: '/x' } } }, `${srw}.prefix.value`, "must start and end with '/'"),
  gr('prefix rewrite value is visible ASCII', { [rw]: { prefix: { value: '/a%C3%A9/' } } }, { [rw]: { prefix: { value: '/a\u0100/' } } }, `${srw}.prefix.value`, 'must be visible ASCII'),
  gr('prefix rewrite value has no spaces', { [rw]: { prefix: { value: '/a-b/' } } }, { [rw]: { prefix: { value: '/a b/' } } }, `${srw}.prefix.value`, 'must be visible ASCII'),
  gr('path rewrite is visible ASCII', { [m]: { path: { exact: '/c' } }, [rw]: { path: { exact: '/x%20y' } } }, { [m]: { path: { exact: '/c' } }, [rw]: { path: { exact: '/x\ty' } } }, `${srw}.path.exact`, 'must be visible ASCII'),
  gr('prefix rewrite only with prefix match', {}, { [m]: { path: { exact: '/c' } }, [rw]: { prefix: { value: '/x/' } } }, `${srw}.prefix`, 'only allowed with a prefix match'),
  gr('path rewrite only with path match', { [m]: { path: { regex: '/c.*' } }, [rw]: { path: { exact: '/x' } } }, { [rw]: { path: { exact: '/x' } } }, `${srw}.path`, 'only allowed with a path match'),
  gr('path rewrite needs exact', {}, { [m]: { path: { exact: '/c' } }, [rw]: { path: {} } }, `${srw}.path.exact`, 'is required'),
  gr('prefix and path rewrites exclusive', {}, { [rw]: { prefix: { value: '/x/' }, path: { exact: '/y' } } }, srw, 'must not set both a path and a prefix rewrite'),
  gr('http2Route takes an http gateway route', { http2Route: { match: { prefix: '/' }, action: { target } }, httpRoute: undefined }, { http2Route: { match: { prefix: 'x' }, action: { target } }, httpRoute: undefined }, 'spec.http2Route.match.prefix', "must start with '/'"),

  ggr('grpc match needs serviceName or hostname', { 'grpcRoute.match': { hostname: { suffix: '.example.com' } } }, { 'grpcRoute.match': { port: 8080 } }, 'spec.grpcRoute.match', 'must set at least one of serviceName, hostname'),
  ggr('reserved service aws.appmesh*', {}, { 'grpcRoute.match.serviceName': 'aws.appmesh.Envoy' }, 'spec.grpcRoute.match.serviceName', 'reserved aws.appmesh'),
  ggr('reserved service aws.app-mesh*', {}, { 'grpcRoute.match.serviceName': 'aws.app-mesh.X' }, 'spec.grpcRoute.match.serviceName', 'reserved aws.app-mesh'),
  ggr('grpc metadata name 1–50', { 'grpcRoute.match.metadata': [{ name: 'x', invert: true }] }, { 'grpcRoute.match.metadata': [{ name: '' }] }, 'spec.grpcRoute.match.metadata[0].name', 'must not be empty'),
  ggr('grpc rewrite has only hostname', { 'grpcRoute.action.rewrite.hostname.defaultTargetHostname': 'ENABLED' }, { 'grpcRoute.action.rewrite.prefix': { value: '/' } }, 'spec.grpcRoute.action.rewrite.prefix', 'is not a known member'),
]);
