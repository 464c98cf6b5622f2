// `switchyard apply` on files written for App Mesh as teams wrote them (issue 17): controller manifests with fields
// the CRDs lack (dropped with kubectl's warning), CloudFormation stacks with Conditions, Mappings, Cloud Map
// resources, other stacks' exports and values of resources Switchyard does not manage.

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { call, startTestControlPlane } from '../support/in-process-control-plane.ts';
import { inventory, runCli } from './cli-harness.ts';

const fixtures = path.join(import.meta.dirname, 'fixtures');
const walkthrough = path.join(fixtures, 'k8s-walkthrough-unknown-fields.yaml');
const colorsStack = path.join(fixtures, 'cfn-colors-stack.yaml');
const joinsMesh = path.join(fixtures, 'cfn-joins-mesh.yaml');

const colorsFlags = [
  '--stack-name',
  'colors',
  '--resource-attribute',
  'PublicLoadBalancer.DNSName=front-1234.us-east-1.elb.amazonaws.com',
  '--resource-attribute',
  'LegacyRecord=legacy.colors.example.com',
];

async function registryHas(endpoint: string, namespace: string, service?: string): Promise<boolean> {
  const base = `/switchyard/v1/registry/namespaces/${namespace}`;
  const answer = await call(endpoint, 'GET', service ? `${base}/services/${service}` : base);
  return answer.status === 200;
}

test('walkthrough manifests: unknown fields are dropped with a warning each; a second apply changes nothing', async (t) => {
  const plane = await startTestControlPlane();
  t.after(() => plane.close());
  const file = walkthrough;
  const expectedWarnings = [
    `warning: ${file}, document 3 (VirtualNode howto-headers/front): spec.backendDefaults.clientPolicy.tls.mode: unknown field, dropped (--validate=strict refuses it)`,
    `warning: ${file}, document 4 (VirtualNode howto-headers/blue): spec.listeners[0].portMapping.name: unknown field, dropped (--validate=strict refuses it)`,
    `warning: ${file}, document 7 (VirtualRouter howto-headers/color, route color-route-blue): spec.routes[0].httpRoute.match.caseSensitive: unknown field, dropped (--validate=strict refuses it)`,
  ];
  const warningsOf = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('warning: '));

  const first = await runCli(plane.endpoint, ['apply', '-f', file]);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(warningsOf(first.stderr), expectedWarnings);
  assert.match(first.stdout, /^applied: 8 created, 0 updated, 0 unchanged, 0 deleted$/m);
  const expected = [
    'mesh/howto-headers@1',
    'mesh/howto-headers/virtualNode/blue_howto-headers@1',
    'mesh/howto-headers/virtualNode/front_howto-headers@1',
    'mesh/howto-headers/virtualNode/red_howto-headers@1',
    'mesh/howto-headers/virtualRouter/color_howto-headers/route/color-route-blue@1',
    'mesh/howto-headers/virtualRouter/color_howto-headers/route/color-route-red@1',
    'mesh/howto-headers/virtualRouter/color_howto-headers@1',
    'mesh/howto-headers/virtualService/color.howto-headers.svc.cluster.local@1',
  ].sort();
  assert.deepEqual(await inventory(plane.endpoint), expected);
  const front = await call(
    plane.endpoint,
    'GET',
    '/v20190125/meshes/howto-headers/virtualNodes/front_howto-headers',
  );
  assert.deepEqual((front.json.spec as { backendDefaults: unknown }).backendDefaults, {
    clientPolicy: {
      tls: { enforce: true, validation: { trust: { file: { certificateChain: '/certs/ca_cert.pem' } } } },
    },
  });

  const second = await runCli(plane.endpoint, ['apply', '-f', file]);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(warningsOf(second.stderr), expectedWarnings);
  assert.match(second.stdout, /^applied: 0 created, 0 updated, 8 unchanged, 0 deleted$/m);
  assert.deepEqual(await inventory(plane.endpoint), expected, 'no version moved');
});

test('walkthrough manifests with --validate=strict: every unknown field is refused and nothing is written', async (t) => {
  const plane = await startTestControlPlane();
  t.after(() => plane.close());
  const result = await runCli(plane.endpoint, ['apply', '--validate=strict', '-f', walkthrough]);
  assert.equal(result.code, 1, result.stdout);
  assert.match(
    result.stderr,
    /^error: .*document 3 \(VirtualNode howto-headers\/front\): spec\.backendDefaults\.clientPolicy\.tls\.mode: is not a known member$/m,
  );
  assert.match(result.stderr, /spec\.listeners\[0\]\.portMapping\.name: is not a known member$/m);
  assert.match(result.stderr, /spec\.routes\[0\]\.httpRoute\.match\.caseSensitive: is not a known member$/m);
  assert.match(result.stderr, /^error: 3 problems in the input; nothing was written$/m);
  assert.doesNotMatch(result.stderr, /^warning:/m);
  assert.deepEqual(await inventory(plane.endpoint), []);
  const bad = await runCli(plane.endpoint, ['apply', '--validate=loose', '-f', walkthrough]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^error: --validate expects strict, warn or ignore, got "loose"$/m);
});

test('CloudFormation stack: Conditions, Mappings, Cloud Map and external values; a second apply changes nothing', async (t) => {
  const plane = await startTestControlPlane();
  t.after(() => plane.close());
  const first = await runCli(plane.endpoint, ['apply', '-f', colorsStack, ...colorsFlags]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^registry: created namespace colors\.local$/m);
  assert.match(first.stdout, /^registry: created service colors\.local\/colorteller$/m);
  assert.match(first.stdout, /^applied: 8 created, 0 updated, 0 unchanged, 0 deleted$/m);
  assert.match(
    first.stderr,
    /^note: .*skipped Resources\.CanaryNode \(AWS::AppMesh::VirtualNode\): its condition CanaryInDev is false$/m,
  );
  const expected = [
    'mesh/colors@1',
    'mesh/colors/virtualNode/colorteller@1',
    'mesh/colors/virtualNode/front@1',
    'mesh/colors/virtualNode/legacy@1',
    'mesh/colors/virtualRouter/colorteller-router/route/admin@1',
    'mesh/colors/virtualRouter/colorteller-router/route/app@1',
    'mesh/colors/virtualRouter/colorteller-router@1',
    'mesh/colors/virtualService/colorteller.colors.local@1',
  ].sort();
  assert.deepEqual(await inventory(plane.endpoint), expected);
  assert.ok(await registryHas(plane.endpoint, 'colors.local', 'colorteller'));
  assert.equal(await registryHas(plane.endpoint, 'colors.local', 'colorteller-canary'), false);

  const node = await call(plane.endpoint, 'GET', '/v20190125/meshes/colors/virtualNodes/colorteller');
  assert.deepEqual(node.json.spec, {
    listeners: [
      { portMapping: { port: 8080, protocol: 'http' } },
      { portMapping: { port: 9080, protocol: 'http' } },
    ],
    serviceDiscovery: {
      awsCloudMap: {
        namespaceName: 'colors.local',
        serviceName: 'colorteller',
        attributes: [{ key: 'zone', value: 'a' }],
      },
    },
  });
  const app = await call(
    plane.endpoint,
    'GET',
    '/v20190125/meshes/colors/virtualRouter/colorteller-router/routes/app',
  );
  assert.deepEqual(app.json.spec, {
    httpRoute: {
      match: { port: 8080 },
      action: { weightedTargets: [{ virtualNode: 'colorteller', port: 8080, weight: 100 }] },
    },
  });
  const front = await call(plane.endpoint, 'GET', '/v20190125/meshes/colors/virtualNodes/front');
  assert.deepEqual((front.json.spec as { serviceDiscovery: unknown }).serviceDiscovery, {
    dns: { hostname: 'front-1234.us-east-1.elb.amazonaws.com' },
  });
  const legacy = await call(plane.endpoint, 'GET', '/v20190125/meshes/colors/virtualNodes/legacy');
  assert.deepEqual((legacy.json.spec as { serviceDiscovery: unknown }).serviceDiscovery, {
    dns: { hostname: 'legacy.colors.example.com' },
  });

  const second = await runCli(plane.endpoint, ['apply', '-f', colorsStack, ...colorsFlags]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^registry: unchanged namespace colors\.local$/m);
  assert.match(second.stdout, /^registry: unchanged service colors\.local\/colorteller$/m);
  assert.match(second.stdout, /^applied: 0 created, 0 updated, 8 unchanged, 0 deleted$/m);
  assert.deepEqual(await inventory(plane.endpoint), expected, 'no version moved');
});

test('CloudFormation conditions switched by parameters: the canary appears and the route splits to it', async (t) => {
  const plane = await startTestControlPlane();
  t.after(() => plane.close());
  const canary = ['--parameter', 'CanaryEnabled=true'];
  const plan = await runCli(plane.endpoint, [
    'apply',
    '--dry-run',
    '-f',
    colorsStack,
    ...colorsFlags,
    ...canary,
  ]);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /^registry: create service colors\.local\/colorteller-canary$/m);
  assert.match(plan.stdout, /^plan: 9 to create, 0 to update, 0 unchanged, 0 to delete/m);
  assert.equal(await registryHas(plane.endpoint, 'colors.local'), false, 'a dry run writes nothing');

  const applied = await runCli(plane.endpoint, ['apply', '-f', colorsStack, ...colorsFlags, ...canary]);
  assert.equal(applied.code, 0, applied.stderr);
  const app = await call(
    plane.endpoint,
    'GET',
    '/v20190125/meshes/colors/virtualRouter/colorteller-router/routes/app',
  );
  assert.deepEqual(app.json.spec, {
    httpRoute: {
      match: { port: 8080 },
      action: {
        weightedTargets: [
          { virtualNode: 'colorteller', port: 8080, weight: 90 },
          { virtualNode: 'colorteller-canary', weight: 10 },
        ],
      },
      retryPolicy: {
        maxRetries: 2,
        perRetryTimeout: { unit: 'ms', value: 500 },
        httpRetryEvents: ['server-error'],
      },
    },
  });
  assert.ok(await registryHas(plane.endpoint, 'colors.local', 'colorteller-canary'));

  const prod = await runCli(plane.endpoint, [
    'apply',
    '--dry-run',
    '-f',
    colorsStack,
    ...colorsFlags,
    '--parameter',
    'Stage=prod',
  ]);
  assert.equal(prod.code, 0, prod.stderr);
  assert.match(prod.stdout, /^update mesh mesh\/colors$/m);
  assert.match(prod.stdout, /^update route mesh\/colors\/virtualRouter\/colorteller-router\/route\/app$/m);
  assert.match(prod.stdout, /^plan: 0 to create, 5 to update, 3 unchanged, 0 to delete/m);
});

test('a missing external value or export is refused, naming the flag to use; nothing is written', async (t) => {
  const plane = await startTestControlPlane();
  t.after(() => plane.close());
  const result = await runCli(plane.endpoint, ['apply', '-f', colorsStack, '--stack-name', 'colors']);
  assert.equal(result.code, 1, result.stdout);
  assert.match(
    result.stderr,
    /^error: .*\(AWS::AppMesh::VirtualNode FrontNode\): Resources\.FrontNode\.Properties\.Spec\.ServiceDiscovery\.DNS\.Hostname: PublicLoadBalancer is a AWS::ElasticLoadBalancingV2::LoadBalancer, which switchyard does not manage, so it cannot know Fn::GetAtt PublicLoadBalancer\.DNSName; give it with --resource-attribute PublicLoadBalancer\.DNSName=VALUE$/m,
  );
  assert.match(result.stderr, /give it with --resource-attribute LegacyRecord=VALUE$/m);
  const joined = await runCli(plane.endpoint, ['apply', '-f', joinsMesh]);
  assert.equal(joined.code, 1, joined.stdout);
  assert.match(
    joined.stderr,
    /^error: .*Resources\.GatewayNode\.Properties\.MeshName: Fn::ImportValue: no value for the export colors-MeshName of another stack; give it with --import colors-MeshName=VALUE$/m,
  );
  assert.deepEqual(await inventory(plane.endpoint), []);
  assert.equal(await registryHas(plane.endpoint, 'colors.local'), false);
});

test('a stack that joins the mesh of another stack through Fn::ImportValue creates only its own resources', async (t) => {
  const plane = await startTestControlPlane();
  t.after(() => plane.close());
  const colors = await runCli(plane.endpoint, ['apply', '-f', colorsStack, ...colorsFlags]);
  assert.equal(colors.code, 0, colors.stderr);
  const before = await inventory(plane.endpoint);
  const importFlags = ['--import', 'colors-MeshName=colors'];
  const first = await runCli(plane.endpoint, ['apply', '-f', joinsMesh, ...importFlags]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^registry: unchanged namespace colors\.local$/m);
  assert.match(first.stdout, /^registry: created service colors\.local\/gateway$/m);
  assert.match(first.stdout, /^applied: 1 created, 0 updated, 0 unchanged, 0 deleted$/m);
  const after = [...before, 'mesh/colors/virtualNode/gateway-us-east-1@1'].sort();
  assert.deepEqual(await inventory(plane.endpoint), after);
  const gateway = await call(
    plane.endpoint,
    'GET',
    '/v20190125/meshes/colors/virtualNodes/gateway-us-east-1',
  );
  assert.deepEqual((gateway.json.spec as { serviceDiscovery: unknown }).serviceDiscovery, {
    awsCloudMap: { namespaceName: 'colors.local', serviceName: 'gateway' },
  });
  const second = await runCli(plane.endpoint, ['apply', '-f', joinsMesh, ...importFlags]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^applied: 0 created, 0 updated, 1 unchanged, 0 deleted$/m);
  assert.deepEqual(await inventory(plane.endpoint), after, 'no version moved');
});
