import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourcePath } from '../../../model/resource-key.ts';
import { parseDocuments } from '../read-documents.ts';
import { convertK8sManifests, type K8sOptions } from './convert-k8s.ts';

function convert(text: string, options: K8sOptions = { namespace: 'default' }) {
  const { documents, problems } = parseDocuments('m.yaml', text);
  assert.deepEqual(problems, []);
  return convertK8sManifests(documents, options);
}

const mesh = `
apiVersion: appmesh.k8s.aws/v1beta2
kind: Mesh
metadata: {name: shop}
spec:
  namespaceSelector: {matchLabels: {mesh: shop}}
  meshServiceDiscovery: {ipPreference: IPv6_ONLY}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {mesh: shop}}
`;

test('awsName defaults: mesh keeps its name, services <name>.<namespace>, the rest <name>_<namespace>', () => {
  const result = convert(`${mesh}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata: {name: cart-v1, namespace: shop}
spec:
  listeners: [{portMapping: {port: 8080, protocol: http}}]
  serviceDiscovery: {dns: {hostname: cart-v1.shop.svc.cluster.local}}
  backends: [{virtualService: {virtualServiceRef: {name: payments}}}, {virtualService: {virtualServiceARN: "arn:aws:appmesh:us-east-1:111122223333:mesh/shop/virtualService/ext.example.com"}}]
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualRouter
metadata: {name: cart-router, namespace: shop}
spec:
  listeners: [{portMapping: {port: 8080, protocol: http}}]
  routes:
    - name: default
      priority: 10
      httpRoute:
        match: {prefix: /}
        action: {weightedTargets: [{virtualNodeRef: {name: cart-v1}, weight: 90}, {virtualNodeRef: {name: legacy, namespace: old}, weight: 10}]}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualService
metadata: {name: cart, namespace: shop}
spec:
  awsName: cart.shop.svc.cluster.local
  provider: {virtualRouter: {virtualRouterRef: {name: cart-router}}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualService
metadata: {name: payments, namespace: shop}
spec:
  provider: {virtualNode: {virtualNodeRef: {name: cart-v1}}}
`);
  assert.deepEqual(result.problems, []);
  assert.deepEqual(
    result.resources.map((r) => resourcePath(r.key)),
    [
      'mesh/shop',
      'mesh/shop/virtualNode/cart-v1_shop',
      'mesh/shop/virtualRouter/cart-router_shop',
      'mesh/shop/virtualRouter/cart-router_shop/route/default',
      'mesh/shop/virtualService/cart.shop.svc.cluster.local',
      'mesh/shop/virtualService/payments.shop',
    ],
  );
  const [meshResource, node, router, route, service, payments] = result.resources;
  assert.deepEqual(meshResource!.spec, { serviceDiscovery: { ipPreference: 'IPv6_ONLY' } });
  assert.equal(meshResource!.tags, undefined);
  assert.deepEqual(node!.spec.backends, [
    { virtualService: { virtualServiceName: 'payments.shop' } },
    { virtualService: { virtualServiceName: 'ext.example.com' } },
  ]);
  assert.deepEqual(router!.spec, { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] });
  assert.deepEqual(route!.spec, {
    priority: 10,
    httpRoute: {
      match: { prefix: '/' },
      action: {
        weightedTargets: [
          { virtualNode: 'cart-v1_shop', weight: 90 },
          { virtualNode: 'legacy_old', weight: 10 },
        ],
      },
    },
  });
  assert.equal(route!.sourcePath('spec.httpRoute.match'), 'spec.routes[0].httpRoute.match');
  assert.deepEqual(service!.spec, { provider: { virtualRouter: { virtualRouterName: 'cart-router_shop' } } });
  assert.deepEqual(payments!.spec, { provider: { virtualNode: { virtualNodeName: 'cart-v1_shop' } } });
  assert.equal(
    meshResource!.sourcePath('spec.serviceDiscovery.ipPreference'),
    'spec.meshServiceDiscovery.ipPreference',
  );
});

test('ARN spellings of the CRD become the API spelling, and messages name them back', () => {
  const result = convert(`${mesh}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualGateway
metadata: {name: ingress, namespace: shop}
spec:
  namespaceSelector: {matchLabels: {mesh: shop}}
  podSelector: {matchLabels: {app: ingress}}
  listeners:
    - portMapping: {port: 443, protocol: http}
      tls: {mode: STRICT, certificate: {acm: {certificateARN: "arn:cert"}}}
  backendDefaults:
    clientPolicy: {tls: {validation: {trust: {acm: {certificateAuthorityARNs: ["arn:ca"]}}}}}
`);
  assert.deepEqual(result.problems, []);
  const gateway = result.resources[1]!;
  assert.equal(resourcePath(gateway.key), 'mesh/shop/virtualGateway/ingress_shop');
  assert.deepEqual(gateway.spec, {
    listeners: [
      {
        portMapping: { port: 443, protocol: 'http' },
        tls: { mode: 'STRICT', certificate: { acm: { certificateArn: 'arn:cert' } } },
      },
    ],
    backendDefaults: {
      clientPolicy: { tls: { validation: { trust: { acm: { certificateAuthorityArns: ['arn:ca'] } } } } },
    },
  });
  assert.equal(
    gateway.sourcePath('spec.listeners[0].tls.certificate.acm.certificateArn'),
    'spec.listeners[0].tls.certificate.acm.certificateARN',
  );
});

test('gateway routes join the gateway whose selectors match; meshRef and --namespace are honoured', () => {
  const result = convert(
    `
apiVersion: appmesh.k8s.aws/v1beta2
kind: Mesh
metadata: {name: k8s-mesh}
spec: {awsName: real-mesh}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualGateway
metadata: {name: public}
spec:
  meshRef: {name: k8s-mesh}
  namespaceSelector: {}
  gatewayRouteSelector: {matchLabels: {exposure: public}}
  listeners: [{portMapping: {port: 8080, protocol: http}}]
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualGateway
metadata: {name: private}
spec:
  meshRef: {name: k8s-mesh}
  namespaceSelector: {}
  gatewayRouteSelector: {matchLabels: {exposure: private}}
  listeners: [{portMapping: {port: 8080, protocol: http}}]
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: GatewayRoute
metadata: {name: shop, labels: {exposure: private}}
spec:
  meshRef: {name: k8s-mesh}
  httpRoute:
    match: {prefix: /}
    action: {target: {virtualService: {virtualServiceRef: {name: front}}, port: 8080}}
`,
    { namespace: 'team-a' },
  );
  assert.deepEqual(result.problems, []);
  assert.deepEqual(
    result.resources.map((r) => resourcePath(r.key)),
    [
      'mesh/real-mesh',
      'mesh/real-mesh/virtualGateway/public_team-a',
      'mesh/real-mesh/virtualGateway/private_team-a',
      'mesh/real-mesh/virtualGateway/private_team-a/gatewayRoute/shop_team-a',
    ],
  );
  assert.deepEqual(result.resources[3]!.spec, {
    httpRoute: {
      match: { prefix: '/' },
      action: { target: { virtualService: { virtualServiceName: 'front.team-a' }, port: 8080 } },
    },
  });
});

test('other kinds are skipped with a note; unknown App Mesh kinds, bad ARNs and unknown meshes are problems', () => {
  const result = convert(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualWidget
metadata: {name: w}
---
apiVersion: appmesh.k8s.aws/v1beta1
kind: Mesh
metadata: {name: old}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualService
metadata: {name: svc, namespace: shop}
spec:
  meshRef: {name: shop}
  provider: {virtualNode: {virtualNodeARN: "arn:aws:appmesh:us-east-1:111122223333:mesh/shop/virtualRouter/r"}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata: {name: lost, namespace: nowhere}
spec: {}
`);
  assert.deepEqual(result.notes, [
    'm.yaml, document 1: skipped apps/v1 Deployment shop/web: not an App Mesh resource',
  ]);
  assert.deepEqual(
    result.problems.map((p) => `${p.origin.document} ${p.field}: ${p.message}`),
    [
      '2 kind: unknown kind VirtualWidget in appmesh.k8s.aws/v1beta2',
      '3 apiVersion: appmesh.k8s.aws/v1beta1 is not supported; use appmesh.k8s.aws/v1beta2',
      '4 spec.provider.virtualNode.virtualNodeARN: is not the ARN of a VirtualNode',
      '5 spec.meshRef: no Mesh in the files selects namespace nowhere; set spec.meshRef, label the namespace, or pass --mesh',
    ],
  );
  assert.deepEqual(result.resources, []);
});

test('backendGroups expand to the virtual services of the BackendGroup, without duplicates', () => {
  const result = convert(`${mesh}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: BackendGroup
metadata: {name: shared, namespace: shop}
spec:
  virtualservices: [{name: payments}, {name: ledger, namespace: finance}]
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata: {name: cart, namespace: shop}
spec:
  listeners: [{portMapping: {port: 8080, protocol: http}}]
  serviceDiscovery: {dns: {hostname: cart.shop.svc.cluster.local}}
  backends: [{virtualService: {virtualServiceRef: {name: payments}}}]
  backendGroups: [{name: shared}, {name: missing}]
`);
  assert.deepEqual(
    result.problems.map((p) => `${p.field}: ${p.message}`),
    ['spec.backendGroups[1]: BackendGroup shop/missing is not in the applied files'],
  );
  const fixed = convert(`${mesh}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: BackendGroup
metadata: {name: shared, namespace: shop}
spec:
  virtualservices: [{name: payments}, {name: ledger, namespace: finance}]
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata: {name: cart, namespace: shop}
spec:
  backends: [{virtualService: {virtualServiceRef: {name: payments}}}]
  backendGroups: [{name: shared}]
`);
  assert.deepEqual(fixed.problems, []);
  assert.deepEqual(fixed.resources[1]!.spec, {
    backends: [
      { virtualService: { virtualServiceName: 'payments.shop' } },
      { virtualService: { virtualServiceName: 'ledger.finance' } },
    ],
  });
});

const withUnknownFields = `${mesh}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata: {name: cart, namespace: shop}
spec:
  listeners: [{portMapping: {port: 8080, protocol: http, name: web}}]
  serviceDiscovery: {dns: {hostname: cart.shop.svc.cluster.local}}
  backendDefaults:
    clientPolicy:
      tls:
        mode: STRICT
        validation: {trust: {acm: {certificateAuthorityARNs: ["arn:ca"]}}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualRouter
metadata: {name: cart-router, namespace: shop}
spec:
  listeners: [{portMapping: {port: 8080, protocol: http}}]
  routes:
    - name: default
      httpRoute:
        match: {prefix: /, caseSensitive: false}
        action: {weightedTargets: [{virtualNodeRef: {name: cart}, weight: 1}]}
`;

test('unknown fields are dropped with one warning each, named in the CRD spelling', () => {
  const result = convert(withUnknownFields);
  assert.deepEqual(result.problems, []);
  assert.deepEqual(
    result.warnings.map((w) => `${w.origin.document} ${w.resource} ${w.field}: ${w.message}`),
    [
      '3 VirtualNode shop/cart spec.backendDefaults.clientPolicy.tls.mode: unknown field, dropped (--validate=strict refuses it)',
      '3 VirtualNode shop/cart spec.listeners[0].portMapping.name: unknown field, dropped (--validate=strict refuses it)',
      '4 VirtualRouter shop/cart-router, route default spec.routes[0].httpRoute.match.caseSensitive: unknown field, dropped (--validate=strict refuses it)',
    ],
  );
  const [, node, , route] = result.resources;
  assert.deepEqual(node!.spec.backendDefaults, {
    clientPolicy: { tls: { validation: { trust: { acm: { certificateAuthorityArns: ['arn:ca'] } } } } },
  });
  assert.deepEqual(node!.spec.listeners, [{ portMapping: { port: 8080, protocol: 'http' } }]);
  assert.deepEqual((route!.spec.httpRoute as { match: unknown }).match, { prefix: '/' });
});

test('--validate=strict keeps unknown fields for validation to refuse; ignore drops them silently', () => {
  const strict = convert(withUnknownFields, { namespace: 'default', validation: 'strict' });
  assert.deepEqual(strict.warnings, []);
  assert.equal(
    (strict.resources[1]!.spec.backendDefaults as { clientPolicy: { tls: { mode?: string } } }).clientPolicy
      .tls.mode,
    'STRICT',
  );
  const ignore = convert(withUnknownFields, { namespace: 'default', validation: 'ignore' });
  assert.deepEqual(ignore.warnings, []);
  assert.equal(
    (ignore.resources[1]!.spec.backendDefaults as { clientPolicy: { tls: { mode?: string } } }).clientPolicy
      .tls.mode,
    undefined,
  );
});
