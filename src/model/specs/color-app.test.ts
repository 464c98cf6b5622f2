// A realistic mesh in the style of App Mesh's color app: every kind with most options set must validate
// with no violations.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validate } from '../shape.ts';
import type { KindName } from '../resource-kinds.ts';
import { specShapes } from './index.ts';

const seconds = (value: number) => ({ unit: 's', value });
const ms = (value: number) => ({ unit: 'ms', value });

const clientPolicy = {
  tls: {
    enforce: true,
    ports: [9080],
    certificate: { file: { certificateChain: '/certs/client.pem', privateKey: '/certs/client.key' } },
    validation: {
      trust: { file: { certificateChain: '/certs/ca.pem' } },
      subjectAlternativeNames: { match: { exact: ['colorteller.color.local'] } },
    },
  },
};

const examples: readonly (readonly [KindName, string, unknown])[] = [
  [
    'mesh',
    'color-mesh',
    { egressFilter: { type: 'DROP_ALL' }, serviceDiscovery: { ipPreference: 'IPv4_PREFERRED' } },
  ],
  ['mesh', 'empty spec', {}],
  ['virtualService', 'colorteller', { provider: { virtualRouter: { virtualRouterName: 'colorteller-vr' } } }],
  ['virtualService', 'colorgateway', { provider: { virtualNode: { virtualNodeName: 'colorgateway-vn' } } }],
  [
    'virtualNode',
    'colorteller-red',
    {
      listeners: [
        {
          portMapping: { port: 9080, protocol: 'http' },
          healthCheck: {
            protocol: 'http',
            path: '/ping',
            port: 9080,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
            intervalMillis: 5000,
            timeoutMillis: 2000,
          },
          outlierDetection: {
            maxServerErrors: 5,
            interval: seconds(10),
            baseEjectionDuration: seconds(30),
            maxEjectionPercent: 50,
          },
          connectionPool: { http: { maxConnections: 100, maxPendingRequests: 50 } },
          timeout: { http: { perRequest: seconds(30), idle: seconds(300) } },
          tls: {
            mode: 'STRICT',
            certificate: { file: { certificateChain: '/certs/red.pem', privateKey: '/certs/red.key' } },
            validation: {
              trust: { sds: { secretName: 'spiffe://color.local' } },
              subjectAlternativeNames: { match: { exact: ['spiffe://color.local/colorgateway'] } },
            },
          },
        },
        {
          portMapping: { port: 9090, protocol: 'grpc' },
          connectionPool: { grpc: { maxRequests: 200 } },
          timeout: { grpc: { perRequest: ms(1500) } },
        },
      ],
      serviceDiscovery: { dns: { hostname: 'colorteller-red.color.local', responseType: 'ENDPOINTS' } },
      logging: {
        accessLog: {
          file: {
            path: '/dev/stdout',
            format: {
              json: [
                { key: 'status', value: '%RESPONSE_CODE%' },
                { key: 'path', value: '%REQ(:PATH)%' },
              ],
            },
          },
        },
      },
    },
  ],
  [
    'virtualNode',
    'colorteller-blue (cloud map, tcp)',
    {
      listeners: [
        {
          portMapping: { port: 9080, protocol: 'tcp' },
          connectionPool: { tcp: { maxConnections: 20 } },
          timeout: { tcp: { idle: seconds(0) } },
          tls: {
            mode: 'PERMISSIVE',
            certificate: { acm: { certificateArn: 'arn:aws:acm:us-west-2:111122223333:certificate/abc' } },
          },
        },
      ],
      serviceDiscovery: {
        awsCloudMap: {
          namespaceName: 'color.local',
          serviceName: 'colorteller',
          attributes: [{ key: 'ECS_TASK_DEFINITION_FAMILY', value: 'colorteller-blue' }],
          ipPreference: 'IPv4_ONLY',
        },
      },
    },
  ],
  [
    'virtualNode',
    'colorgateway (client)',
    {
      listeners: [{ portMapping: { port: 9080, protocol: 'http' } }],
      serviceDiscovery: { dns: { hostname: 'colorgateway.color.local' } },
      backendDefaults: { clientPolicy },
      backends: [
        { virtualService: { virtualServiceName: 'colorteller.color.local' } },
        {
          virtualService: {
            virtualServiceName: 'tcpecho.color.local',
            clientPolicy: { tls: { ...clientPolicy.tls, enforce: false } },
          },
        },
      ],
      logging: {
        accessLog: {
          file: { path: '/dev/stdout', format: { text: '[%START_TIME%] %REQ(:METHOD)% %RESPONSE_CODE%\n' } },
        },
      },
    },
  ],
  [
    'virtualRouter',
    'colorteller-vr',
    {
      listeners: [
        { portMapping: { port: 9080, protocol: 'http' } },
        { portMapping: { port: 9090, protocol: 'grpc' } },
      ],
    },
  ],
  [
    'route',
    'color-route (weighted, retries, timeout)',
    {
      priority: 10,
      httpRoute: {
        match: {
          prefix: '/',
          port: 9080,
          method: 'GET',
          headers: [
            { name: 'color_header', match: { regex: '^(red|blue)$' } },
            { name: 'x-canary', invert: true, match: { range: { start: 0, end: 10 } } },
          ],
          queryParameters: [{ name: 'debug', match: { exact: 'true' } }],
        },
        action: {
          weightedTargets: [
            { virtualNode: 'colorteller-red', weight: 70, port: 9080 },
            { virtualNode: 'colorteller-blue', weight: 30 },
          ],
        },
        retryPolicy: {
          maxRetries: 3,
          perRetryTimeout: ms(2000),
          httpRetryEvents: ['server-error', 'gateway-error'],
          tcpRetryEvents: ['connection-error'],
        },
        timeout: { perRequest: seconds(15), idle: seconds(300) },
      },
    },
  ],
  [
    'route',
    'color-grpc-route',
    {
      grpcRoute: {
        match: {
          serviceName: 'color.ColorService',
          methodName: 'GetColor',
          port: 9090,
          metadata: [{ name: 'tier', match: { exact: 'gold' } }],
        },
        action: { weightedTargets: [{ virtualNode: 'colorteller-red', weight: 100, port: 9090 }] },
        retryPolicy: {
          maxRetries: 2,
          perRetryTimeout: seconds(1),
          grpcRetryEvents: ['unavailable', 'deadline-exceeded'],
        },
        timeout: { perRequest: seconds(5) },
      },
    },
  ],
  [
    'route',
    'tcpecho-route',
    {
      tcpRoute: {
        action: { weightedTargets: [{ virtualNode: 'tcpecho', weight: 1 }] },
        timeout: { idle: seconds(60) },
      },
    },
  ],
  [
    'virtualGateway',
    'ingress-gw',
    {
      listeners: [
        {
          portMapping: { port: 8080, protocol: 'http' },
          healthCheck: {
            protocol: 'http',
            path: '/ready',
            healthyThreshold: 2,
            unhealthyThreshold: 2,
            intervalMillis: 10000,
            timeoutMillis: 5000,
          },
          connectionPool: { http: { maxConnections: 1024 } },
          tls: {
            mode: 'STRICT',
            certificate: { acm: { certificateArn: 'arn:aws:acm:us-west-2:111122223333:certificate/gw' } },
          },
        },
        { portMapping: { port: 8443, protocol: 'grpc' }, connectionPool: { grpc: { maxRequests: 64 } } },
      ],
      backendDefaults: {
        clientPolicy: {
          tls: {
            validation: {
              trust: {
                acm: {
                  certificateAuthorityArns: [
                    'arn:aws:acm-pca:us-west-2:111122223333:certificate-authority/ca',
                  ],
                },
              },
            },
          },
        },
      },
      logging: { accessLog: { file: { path: '/dev/stdout' } } },
    },
  ],
  [
    'gatewayRoute',
    'color-gr (prefix rewrite)',
    {
      priority: 1,
      httpRoute: {
        match: { prefix: '/color/', port: 8080, hostname: { suffix: '.example.com' } },
        action: {
          target: { virtualService: { virtualServiceName: 'colorteller.color.local' }, port: 9080 },
          rewrite: { prefix: { value: '/' }, hostname: { defaultTargetHostname: 'DISABLED' } },
        },
      },
    },
  ],
  [
    'gatewayRoute',
    'paint-gr (path rewrite)',
    {
      http2Route: {
        match: { path: { exact: '/paint' }, headers: [{ name: 'x-user', match: { prefix: 'admin' } }] },
        action: {
          target: { virtualService: { virtualServiceName: 'colorteller.color.local' } },
          rewrite: { path: { exact: '/' } },
        },
      },
    },
  ],
  [
    'gatewayRoute',
    'color-grpc-gr',
    {
      grpcRoute: {
        match: {
          serviceName: 'color.ColorService',
          port: 8443,
          metadata: [{ name: 'tier', match: { suffix: 'old' } }],
        },
        action: {
          target: { virtualService: { virtualServiceName: 'colorteller.color.local' } },
          rewrite: { hostname: { defaultTargetHostname: 'ENABLED' } },
        },
      },
    },
  ],
  [
    'trafficPermission',
    'gateway-to-colorteller',
    {
      virtualServiceName: 'colorteller.color.local',
      allow: [{ from: [{ virtualGatewayName: 'color-gateway' }], pathPrefix: '/', methods: ['GET'] }],
    },
  ],
];

for (const [kind, name, spec] of examples) {
  test(`color app ${kind} ${name} validates with no violations`, () => {
    assert.deepEqual(validate(specShapes[kind], spec, 'spec'), []);
  });
}

test('every kind has a color app example', () => {
  assert.deepEqual(new Set(examples.map(([kind]) => kind)), new Set(Object.keys(specShapes)));
});
