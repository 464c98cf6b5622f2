// One row per constraint of the Mesh, VirtualService and VirtualNode specs (routes and gateways have
// their own tables in route-validation.test.ts and gateway-validation.test.ts).

import { rowsFrom, runValidationTable } from './validation-table.ts';

const mesh = rowsFrom('mesh', {});
const service = rowsFrom('virtualService', { provider: { virtualNode: { virtualNodeName: 'red' } } });

const healthCheck = {
  healthyThreshold: 2,
  intervalMillis: 5000,
  protocol: 'http',
  timeoutMillis: 2000,
  unhealthyThreshold: 2,
};
const outlier = {
  baseEjectionDuration: { unit: 's', value: 10 },
  interval: { unit: 's', value: 10 },
  maxEjectionPercent: 50,
  maxServerErrors: 5,
};
const fileCert = { certificateChain: '/certs/chain.pem', privateKey: '/certs/key.pem' };
const clientPolicy = { tls: { validation: { trust: { file: { certificateChain: '/certs/ca.pem' } } } } };
const node = rowsFrom('virtualNode', {
  listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
  serviceDiscovery: { dns: { hostname: 'red.color.local' } },
});
const l0 = 'listeners[0]';
const sl0 = `spec.${l0}`;
const long = (n: number): string => 'x'.repeat(n);

// prettier-ignore
runValidationTable([
  mesh('unknown members are rejected', {}, { colour: 'red' }, 'spec.colour', 'is not a known member'),
  mesh('egress filter type is required', { 'egressFilter.type': 'DROP_ALL' }, { egressFilter: {} }, 'spec.egressFilter.type', 'is required'),
  mesh('egress filter type enum', { 'egressFilter.type': 'ALLOW_ALL' }, { 'egressFilter.type': 'DENY' }, 'spec.egressFilter.type', 'must be one of ALLOW_ALL, DROP_ALL'),
  mesh('ipPreference enum', { 'serviceDiscovery.ipPreference': 'IPv6_ONLY' }, { 'serviceDiscovery.ipPreference': 'IPv6' }, 'spec.serviceDiscovery.ipPreference', 'must be one of'),

  service('provider is optional and an object', { provider: undefined }, { provider: 'red' }, 'spec.provider', 'must be an object'),
  service('provider is a union', { provider: undefined }, { 'provider.virtualRouter.virtualRouterName': 'r' }, 'spec.provider', 'must set exactly one of virtualNode, virtualRouter'),
  service('provider needs a member', {}, { provider: {} }, 'spec.provider', 'must set exactly one'),
  service('provider node name 1–255', { 'provider.virtualNode.virtualNodeName': long(255) }, { 'provider.virtualNode.virtualNodeName': long(256) }, 'spec.provider.virtualNode.virtualNodeName', 'at most 255'),
  service('provider node name not empty', {}, { 'provider.virtualNode.virtualNodeName': '' }, 'spec.provider.virtualNode.virtualNodeName', 'must not be empty'),
  service('provider node name without /', {}, { 'provider.virtualNode.virtualNodeName': 'a/b' }, 'spec.provider.virtualNode.virtualNodeName', "must not contain '/'"),
  service('router provider name required', { provider: { virtualRouter: { virtualRouterName: 'r' } } }, { provider: { virtualRouter: {} } }, 'spec.provider.virtualRouter.virtualRouterName', 'is required'),

  node('listener portMapping required', {}, { [l0]: {} }, `${sl0}.portMapping`, 'is required'),
  node('port at least 1', { [`${l0}.portMapping.port`]: 1 }, { [`${l0}.portMapping.port`]: 0 }, `${sl0}.portMapping.port`, 'between 1 and 65535'),
  node('port at most 65535', { [`${l0}.portMapping.port`]: 65535 }, { [`${l0}.portMapping.port`]: 65536 }, `${sl0}.portMapping.port`, 'between 1 and 65535'),
  node('port is a whole number', {}, { [`${l0}.portMapping.port`]: 80.5 }, `${sl0}.portMapping.port`, 'whole number'),
  node('protocol enum', { [`${l0}.portMapping.protocol`]: 'grpc' }, { [`${l0}.portMapping.protocol`]: 'https' }, `${sl0}.portMapping.protocol`, 'must be one of http, tcp, http2, grpc'),
  node('service discovery required with listeners', { listeners: [], serviceDiscovery: undefined }, { serviceDiscovery: undefined }, 'spec.serviceDiscovery', 'is required when the node has listeners'),
  node('duplicate listener ports', { listeners: [ { portMapping: { port: 1, protocol: 'http' } }, { portMapping: { port: 2, protocol: 'tcp' } }, ], }, { listeners: [ { portMapping: { port: 1, protocol: 'http' } }, { portMapping: { port: 1, protocol: 'tcp' } }, ], }, 'spec.listeners[1].portMapping.port', 'port 1 is already used by spec.listeners[0]'),
  node('service discovery is a union', {}, { 'serviceDiscovery.awsCloudMap': { namespaceName: 'n', serviceName: 's' } }, 'spec.serviceDiscovery', 'must set exactly one of awsCloudMap, dns'),
  node('dns hostname required', {}, { 'serviceDiscovery.dns': {} }, 'spec.serviceDiscovery.dns.hostname', 'is required'),
  node('dns responseType enum', { 'serviceDiscovery.dns.responseType': 'ENDPOINTS' }, { 'serviceDiscovery.dns.responseType': 'ROUND_ROBIN' }, 'spec.serviceDiscovery.dns.responseType', 'must be one of LOADBALANCER, ENDPOINTS'),
  node('dns ipPreference enum', { 'serviceDiscovery.dns.ipPreference': 'IPv4_ONLY' }, { 'serviceDiscovery.dns.ipPreference': 'v4' }, 'spec.serviceDiscovery.dns.ipPreference', 'must be one of'),
  node('cloud map namespace 1–1024', { serviceDiscovery: { awsCloudMap: { namespaceName: long(1024), serviceName: 's' } } }, { serviceDiscovery: { awsCloudMap: { namespaceName: long(1025), serviceName: 's' } } }, 'spec.serviceDiscovery.awsCloudMap.namespaceName', 'at most 1024'),
  node('cloud map serviceName required', {}, { serviceDiscovery: { awsCloudMap: { namespaceName: 'n' } } }, 'spec.serviceDiscovery.awsCloudMap.serviceName', 'is required'),
  node('cloud map attribute key pattern', { serviceDiscovery: { awsCloudMap: { namespaceName: 'n', serviceName: 's', attributes: [{ key: 'ECS_TASK', value: 'a b' }], }, }, }, { serviceDiscovery: { awsCloudMap: { namespaceName: 'n', serviceName: 's', attributes: [{ key: 'a b', value: 'v' }] }, }, }, 'spec.serviceDiscovery.awsCloudMap.attributes[0].key', 'must match the pattern'),
  node('cloud map attribute value pattern', {}, { serviceDiscovery: { awsCloudMap: { namespaceName: 'n', serviceName: 's', attributes: [{ key: 'k', value: ' v' }] }, }, }, 'spec.serviceDiscovery.awsCloudMap.attributes[0].value', 'must match the pattern'),

  node('health check required members', { [`${l0}.healthCheck`]: healthCheck }, { [`${l0}.healthCheck`]: { ...healthCheck, timeoutMillis: undefined } }, `${sl0}.healthCheck.timeoutMillis`, 'is required'),
  node('health check interval 5000–300000', { [`${l0}.healthCheck`]: { ...healthCheck, intervalMillis: 300000 } }, { [`${l0}.healthCheck`]: { ...healthCheck, intervalMillis: 4999 } }, `${sl0}.healthCheck.intervalMillis`, 'between 5000 and 300000'),
  node('health check timeout 2000–60000', { [`${l0}.healthCheck`]: { ...healthCheck, timeoutMillis: 60000 } }, { [`${l0}.healthCheck`]: { ...healthCheck, timeoutMillis: 60001 } }, `${sl0}.healthCheck.timeoutMillis`, 'between 2000 and 60000'),
  node('healthy threshold 2–10', { [`${l0}.healthCheck`]: { ...healthCheck, healthyThreshold: 10 } }, { [`${l0}.healthCheck`]: { ...healthCheck, healthyThreshold: 1 } }, `${sl0}.healthCheck.healthyThreshold`, 'between 2 and 10'),
  node('unhealthy threshold 2–10', { [`${l0}.healthCheck`]: { ...healthCheck, unhealthyThreshold: 10 } }, { [`${l0}.healthCheck`]: { ...healthCheck, unhealthyThreshold: 11 } }, `${sl0}.healthCheck.unhealthyThreshold`, 'between 2 and 10'),
  node('health check protocol enum', { [`${l0}.healthCheck`]: { ...healthCheck, protocol: 'tcp' } }, { [`${l0}.healthCheck`]: { ...healthCheck, protocol: 'https' } }, `${sl0}.healthCheck.protocol`, 'must be one of http, tcp, http2, grpc'),
  node('health check port equals listener port', { [`${l0}.healthCheck`]: { ...healthCheck, port: 8080 } }, { [`${l0}.healthCheck`]: { ...healthCheck, port: 8081 } }, `${sl0}.healthCheck.port`, 'must equal the listener port 8080'),
  node('outlier detection members required', { [`${l0}.outlierDetection`]: outlier }, { [`${l0}.outlierDetection`]: { ...outlier, interval: undefined } }, `${sl0}.outlierDetection.interval`, 'is required'),
  node('outlier maxServerErrors at least 1', {}, { [`${l0}.outlierDetection`]: { ...outlier, maxServerErrors: 0 } }, `${sl0}.outlierDetection.maxServerErrors`, 'at least 1'),
  node('outlier maxEjectionPercent 0–100', { [`${l0}.outlierDetection`]: { ...outlier, maxEjectionPercent: 0 } }, { [`${l0}.outlierDetection`]: { ...outlier, maxEjectionPercent: 101 } }, `${sl0}.outlierDetection.maxEjectionPercent`, 'between 0 and 100'),
  node('duration unit enum', { [`${l0}.outlierDetection`]: outlier }, { [`${l0}.outlierDetection`]: { ...outlier, interval: { unit: 'm', value: 1 } } }, `${sl0}.outlierDetection.interval.unit`, 'must be one of s, ms'),
  node('duration value at least 0', { [`${l0}.outlierDetection`]: { ...outlier, interval: { unit: 'ms', value: 0 } } }, { [`${l0}.outlierDetection`]: { ...outlier, interval: { unit: 'ms', value: -1 } } }, `${sl0}.outlierDetection.interval.value`, 'at least 0'),
  node('duration needs a unit', {}, { [`${l0}.outlierDetection`]: { ...outlier, interval: { value: 1 } } }, `${sl0}.outlierDetection.interval.unit`, 'is required'),
  node('duration needs a value', {}, { [`${l0}.outlierDetection`]: { ...outlier, interval: { unit: 's' } } }, `${sl0}.outlierDetection.interval.value`, 'is required'),

  node('connection pool is a union', { [`${l0}.connectionPool`]: { http: { maxConnections: 1 } } }, { [`${l0}.connectionPool`]: {} }, `${sl0}.connectionPool`, 'must set exactly one of grpc, http, http2, tcp'),
  node('connection pool matches listener protocol', { [`${l0}.connectionPool`]: { http: { maxConnections: 10, maxPendingRequests: 5 } } }, { [`${l0}.connectionPool`]: { tcp: { maxConnections: 10 } } }, `${sl0}.connectionPool.tcp`, 'must match the listener protocol http'),
  node('http pool maxConnections required', {}, { [`${l0}.connectionPool`]: { http: { maxPendingRequests: 5 } } }, `${sl0}.connectionPool.http.maxConnections`, 'is required'),
  node('pool limits at least 1', {}, { [`${l0}.connectionPool`]: { http: { maxConnections: 0 } } }, `${sl0}.connectionPool.http.maxConnections`, 'at least 1'),
  node('http2 pool maxRequests required', { [l0]: { portMapping: { port: 1, protocol: 'http2' }, connectionPool: { http2: { maxRequests: 1 } } } }, { [l0]: { portMapping: { port: 1, protocol: 'http2' }, connectionPool: { http2: {} } } }, `${sl0}.connectionPool.http2.maxRequests`, 'is required'),
  node('timeout matches listener protocol', { [`${l0}.timeout`]: { http: { perRequest: { unit: 's', value: 30 } } } }, { [`${l0}.timeout`]: { grpc: { perRequest: { unit: 's', value: 30 } } } }, `${sl0}.timeout.grpc`, 'must match the listener protocol http'),
  node('tcp timeout has only idle', { [l0]: { portMapping: { port: 1, protocol: 'tcp' }, timeout: { tcp: { idle: { unit: 's', value: 1 } } }, }, }, { [l0]: { portMapping: { port: 1, protocol: 'tcp' }, timeout: { tcp: { perRequest: { unit: 's', value: 1 } } }, }, }, `${sl0}.timeout.tcp.perRequest`, 'is not a known member'),

  node('listener tls mode enum', { [`${l0}.tls`]: { mode: 'STRICT', certificate: { file: fileCert } } }, { [`${l0}.tls`]: { mode: 'ON', certificate: { file: fileCert } } }, `${sl0}.tls.mode`, 'must be one of STRICT, PERMISSIVE, DISABLED'),
  node('listener tls certificate required', {}, { [`${l0}.tls`]: { mode: 'STRICT' } }, `${sl0}.tls.certificate`, 'is required'),
  node('listener tls certificate union', { [`${l0}.tls`]: { mode: 'STRICT', certificate: { acm: { certificateArn: 'arn:aws:acm:x' } } } }, { [`${l0}.tls`]: { mode: 'STRICT', certificate: { file: fileCert, sds: { secretName: 's' } } } }, `${sl0}.tls.certificate`, 'must set exactly one of acm, file, sds'),
  node('certificate chain 1–255', {}, { [`${l0}.tls`]: { mode: 'STRICT', certificate: { file: { ...fileCert, certificateChain: long(256) } } }, }, `${sl0}.tls.certificate.file.certificateChain`, 'at most 255'),
  node('file certificate private key required', {}, { [`${l0}.tls`]: { mode: 'STRICT', certificate: { file: { certificateChain: 'c' } } } }, `${sl0}.tls.certificate.file.privateKey`, 'is required'),
  node('listener validation cannot trust acm', { [`${l0}.tls`]: { mode: 'STRICT', certificate: { file: fileCert }, validation: { trust: { sds: { secretName: 'ca' } } }, }, }, { [`${l0}.tls`]: { mode: 'STRICT', certificate: { file: fileCert }, validation: { trust: { acm: { certificateAuthorityArns: ['a'] } } }, }, }, `${sl0}.tls.validation.trust.acm`, 'is not a known member'),
  node('SAN entries 1–254', { [`${l0}.tls`]: { mode: 'STRICT', certificate: { file: fileCert }, validation: { trust: { sds: { secretName: 'ca' } }, subjectAlternativeNames: { match: { exact: [long(254)] } }, }, }, }, { [`${l0}.tls`]: { mode: 'STRICT', certificate: { file: fileCert }, validation: { trust: { sds: { secretName: 'ca' } }, subjectAlternativeNames: { match: { exact: [long(255)] } }, }, }, }, `${sl0}.tls.validation.subjectAlternativeNames.match.exact[0]`, 'at most 254'),

  node('client policy validation required', { 'backendDefaults.clientPolicy': clientPolicy }, { 'backendDefaults.clientPolicy.tls': { enforce: true } }, 'spec.backendDefaults.clientPolicy.tls.validation', 'is required'),
  node('client policy acm CAs 1–3', { 'backendDefaults.clientPolicy.tls.validation.trust.acm.certificateAuthorityArns': ['a', 'b', 'c'] }, { 'backendDefaults.clientPolicy.tls.validation.trust.acm.certificateAuthorityArns': ['a', 'b', 'c', 'd'], }, 'spec.backendDefaults.clientPolicy.tls.validation.trust.acm.certificateAuthorityArns', 'at most 3'),
  node('client policy acm CAs not empty', {}, { 'backendDefaults.clientPolicy.tls.validation.trust.acm.certificateAuthorityArns': [] }, 'spec.backendDefaults.clientPolicy.tls.validation.trust.acm.certificateAuthorityArns', 'at least 1'),
  node('client policy ports are ports', { 'backendDefaults.clientPolicy': { tls: { ...clientPolicy.tls, ports: [443] } } }, { 'backendDefaults.clientPolicy': { tls: { ...clientPolicy.tls, ports: [0] } } }, 'spec.backendDefaults.clientPolicy.tls.ports[0]', 'between 1 and 65535'),
  node('client certificate is file or sds', { 'backendDefaults.clientPolicy': { tls: { ...clientPolicy.tls, certificate: { sds: { secretName: 'me' } } }, }, }, { 'backendDefaults.clientPolicy': { tls: { ...clientPolicy.tls, certificate: { acm: { certificateArn: 'a' } } }, }, }, 'spec.backendDefaults.clientPolicy.tls.certificate.acm', 'is not a known member'),

  node('backend is a union', { backends: [{ virtualService: { virtualServiceName: 'blue.local' } }] }, { backends: [{}] }, 'spec.backends[0]', 'must set exactly one of virtualService'),
  node('backend service name required', {}, { backends: [{ virtualService: { clientPolicy } }] }, 'spec.backends[0].virtualService.virtualServiceName', 'is required'),
  node('duplicate backends', { backends: [ { virtualService: { virtualServiceName: 'a' } }, { virtualService: { virtualServiceName: 'b' } }, ], }, { backends: [ { virtualService: { virtualServiceName: 'a' } }, { virtualService: { virtualServiceName: 'a' } }, ], }, 'spec.backends[1].virtualService.virtualServiceName', 'duplicates spec.backends[0]'),

  node('access log path required', { 'logging.accessLog.file.path': '/dev/stdout' }, { 'logging.accessLog.file': {} }, 'spec.logging.accessLog.file.path', 'is required'),
  node('access log path 1–255', {}, { 'logging.accessLog.file.path': long(256) }, 'spec.logging.accessLog.file.path', 'at most 255'),
  node('log format is a union', { 'logging.accessLog.file': { path: '/dev/stdout', format: { text: '%START_TIME%' } } }, { 'logging.accessLog.file': { path: '/dev/stdout', format: { text: 'x', json: [] } } }, 'spec.logging.accessLog.file.format', 'must set exactly one of json, text'),
  node('text format 1–1000', {}, { 'logging.accessLog.file': { path: '/dev/stdout', format: { text: long(1001) } } }, 'spec.logging.accessLog.file.format.text', 'at most 1000'),
  node('json format key 1–100', { 'logging.accessLog.file': { path: '/dev/stdout', format: { json: [{ key: 'code', value: '%RESPONSE_CODE%' }] }, }, }, { 'logging.accessLog.file': { path: '/dev/stdout', format: { json: [{ key: '', value: 'v' }] } } }, 'spec.logging.accessLog.file.format.json[0].key', 'must not be empty'),
  node('unknown listener members are rejected', {}, { [`${l0}.outlier`]: outlier }, `${sl0}.outlier`, 'is not a known member'),
]);
