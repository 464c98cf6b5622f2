import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourcePath } from '../../../model/resource-key.ts';
import { parseDocuments } from '../read-documents.ts';
import { convertCfnTemplate, type CfnOptions } from './convert-cfn.ts';

const scope = { partition: 'aws', region: 'us-east-1', accountId: '111122223333' };

const template = `
Parameters:
  Mesh: {Type: String, Default: shop}
  Port: {Type: Number, Default: 8080}
Resources:
  TheMesh:
    Type: AWS::AppMesh::Mesh
    Properties:
      MeshName: !Ref Mesh
      Tags: [{Key: team, Value: !Sub "\${Mesh}-team"}]
  Node:
    Type: AWS::AppMesh::VirtualNode
    Properties:
      MeshName: !GetAtt TheMesh.MeshName
      Spec:
        Listeners:
          - PortMapping: {Port: !Ref Port, Protocol: http}
            TLS: {Mode: STRICT, Certificate: {ACM: {CertificateArn: !Ref Cert}}}
        ServiceDiscovery: {DNS: {Hostname: !Join [".", [node, !Ref Mesh, local]]}}
  Router:
    Type: AWS::AppMesh::VirtualRouter
    Properties:
      MeshName: !GetAtt TheMesh.MeshName
      VirtualRouterName: router
      Spec: {Listeners: [{PortMapping: {Port: 8080, Protocol: http}}]}
  Route:
    Type: AWS::AppMesh::Route
    Properties:
      MeshName: !GetAtt TheMesh.MeshName
      VirtualRouterName: !GetAtt Router.VirtualRouterName
      RouteName: !Sub "\${Router.VirtualRouterName}-default"
      Spec:
        HttpRoute:
          Match: {Prefix: /}
          Action: {WeightedTargets: [{VirtualNode: !GetAtt Node.VirtualNodeName, Weight: 1}]}
  Cert:
    Type: AWS::CertificateManager::Certificate
    Properties: {DomainName: example.com}
  Service:
    Type: AWS::AppMesh::VirtualService
    Properties:
      MeshName: shop
      VirtualServiceName: svc.shop.local
      Spec: {Provider: {VirtualRouter: {VirtualRouterName: !Select [3, !Split ["/", !Ref Router]]}}}
`;

function convert(
  text: string,
  parameters: Record<string, string> = {},
  more: Omit<CfnOptions, 'parameters' | 'scope'> = {},
) {
  const { documents, problems } = parseDocuments('t.yaml', text);
  assert.deepEqual(problems, []);
  return convertCfnTemplate(documents[0]!, {
    parameters: new Map(Object.entries(parameters)),
    scope,
    ...more,
  });
}

test('AppMesh resources become API resources; names default to the logical id; Ref of a resource is its ARN', () => {
  const result = convert(template.replace('!Ref Cert', 'arn:cert'));
  assert.deepEqual(result.problems, []);
  assert.deepEqual(
    result.resources.map((r) => resourcePath(r.key)),
    [
      'mesh/shop',
      'mesh/shop/virtualNode/Node',
      'mesh/shop/virtualRouter/router',
      'mesh/shop/virtualRouter/router/route/router-default',
      'mesh/shop/virtualService/svc.shop.local',
    ],
  );
  const [mesh, node, , route, service] = result.resources;
  assert.deepEqual(mesh!.tags, [{ key: 'team', value: 'shop-team' }]);
  assert.deepEqual(node!.spec, {
    listeners: [
      {
        portMapping: { port: 8080, protocol: 'http' },
        tls: { mode: 'STRICT', certificate: { acm: { certificateArn: 'arn:cert' } } },
      },
    ],
    serviceDiscovery: { dns: { hostname: 'node.shop.local' } },
  });
  assert.deepEqual(route!.spec, {
    httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: 'Node', weight: 1 }] } },
  });
  // The ARN of the router is arn:aws:appmesh:us-east-1:111122223333:mesh/shop/virtualRouter/router.
  assert.deepEqual(service!.spec, { provider: { virtualRouter: { virtualRouterName: 'router' } } });
  assert.deepEqual(result.notes, [
    't.yaml: skipped Resources.Cert (AWS::CertificateManager::Certificate): not an App Mesh resource',
  ]);
  assert.equal(node!.sourcePath('spec.listeners[0].tls'), 'Resources.Node.Properties.Spec.Listeners[0].TLS');
});

test('--parameter overrides a Default and is typed as declared', () => {
  const result = convert(template.replace('!Ref Cert', 'arn:cert'), { Mesh: 'other', Port: '9090' });
  assert.equal(result.resources[0]!.key.meshName, 'other');
  const listener = (result.resources[1]!.spec.listeners as { portMapping: { port: unknown } }[])[0]!;
  assert.equal(listener.portMapping.port, 9090);
});

test('missing parameters and unknown properties are problems with their path, reported once', () => {
  const result = convert(
    template
      .replace('!Ref Cert', 'arn:cert')
      .replace('Default: shop}', '}')
      .replace('VirtualRouterName: router', 'VirtualRouterName: router\n      Colour: red'),
  );
  assert.deepEqual(
    result.problems.map((p) => `${p.field}: ${p.message}`),
    [
      'Parameters.Mesh: has no Default; give it with --parameter Mesh=VALUE',
      'Resources.TheMesh.Properties.MeshName: parameter Mesh has no value',
      'Resources.Router.Properties.Colour: is not a property of AWS::AppMesh::VirtualRouter',
    ],
  );
});

test('values of resources switchyard does not manage are problems, not guesses', () => {
  const result = convert(template);
  assert.deepEqual(
    result.problems.map((p) => `${p.resource} ${p.field}: ${p.message}`),
    [
      'AWS::AppMesh::VirtualNode Node Resources.Node.Properties.Spec.Listeners[0].TLS.Certificate.ACM.CertificateArn: ' +
        'Cert is a AWS::CertificateManager::Certificate, which switchyard does not manage, so it cannot know Ref Cert; ' +
        'give it with --resource-attribute Cert=VALUE',
    ],
  );
});

const conditional = `
Parameters:
  Stage: {Type: String, Default: dev}
Mappings:
  Ports: {dev: {App: 8080}}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  Loop: !Not [!Condition Loop]
Resources:
  ProdNode:
    Type: AWS::AppMesh::VirtualNode
    Condition: IsProd
    Properties:
      MeshName: shop
      Spec: {Listeners: [{PortMapping: {Port: !FindInMap [Ports, !Ref Stage, App], Protocol: http}}]}
  Ns:
    Type: AWS::ServiceDiscovery::HttpNamespace
    Properties: {Name: apps.local}
  Svc:
    Type: AWS::ServiceDiscovery::Service
    Properties: {NamespaceId: !Ref Ns}
  Node:
    Type: AWS::AppMesh::VirtualNode
    Properties:
      MeshName: shop
      Spec:
        Listeners: [{PortMapping: {Port: !FindInMap [Ports, !Ref Stage, App], Protocol: http}}]
        ServiceDiscovery: {AWSCloudMap: {NamespaceName: !Ref Ns, ServiceName: !GetAtt Svc.Name}}
        Backends: !If [IsProd, [{VirtualService: {VirtualServiceName: !GetAtt ProdNode.VirtualNodeName}}], !Ref AWS::NoValue]
      Tags: !If [IsProd, [{Key: stage, Value: prod}], !Ref AWS::NoValue]
`;

test('conditions skip resources and pick values; Cloud Map ids are names; a service without Name is its logical id', () => {
  const result = convert(conditional);
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.notes, [
    't.yaml: skipped Resources.ProdNode (AWS::AppMesh::VirtualNode): its condition IsProd is false',
  ]);
  assert.deepEqual(
    result.registry.map((entry) => [entry.namespaceName, entry.serviceName, entry.label]),
    [
      ['apps.local', undefined, 'AWS::ServiceDiscovery::HttpNamespace Ns'],
      ['apps.local', 'Svc', 'AWS::ServiceDiscovery::Service Svc'],
    ],
  );
  assert.deepEqual(result.resources.length, 1);
  assert.deepEqual(result.resources[0]!.spec, {
    listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
    serviceDiscovery: { awsCloudMap: { namespaceName: 'apps.local', serviceName: 'Svc' } },
  });
  assert.deepEqual(result.resources[0]!.tags, []);
});

test('what a condition leaves out cannot be referred to; bad conditions, mappings and Cloud Map names are problems', () => {
  const result = convert(
    conditional
      .replace('Properties: {Name: apps.local}', 'Properties: {Name: apps local, Colour: red}')
      .replace(
        'Port: !FindInMap [Ports, !Ref Stage, App], Protocol: http}}]\n        Service',
        'Port: !FindInMap [Ports, !Ref Stage, Admin], Protocol: http}}]\n        Service',
      ),
    { Stage: 'dev' },
  );
  assert.deepEqual(
    result.problems.map((p) => `${p.field}: ${p.message}`),
    [
      'Resources.Ns.Properties.Colour: is not a property of AWS::ServiceDiscovery::HttpNamespace',
      'Resources.Ns.Properties.Name: "apps local" cannot be a registry name (1–1024 printable ASCII characters, no spaces or \'/\')',
      'Resources.Node.Properties.Spec.Listeners[0].PortMapping.Port: Fn::FindInMap: Mappings.Ports.dev has no key Admin',
    ],
  );
  const looping = convert(conditional.replace('Condition: IsProd', 'Condition: Loop'));
  assert.deepEqual(
    looping.problems.map((p) => `${p.field}: ${p.message}`),
    ['Conditions.Loop: condition Loop depends on itself'],
  );
  const referring = convert(
    conditional
      .replace('!If [IsProd, [{VirtualService', '!If [IsDev, [{VirtualService')
      .replace('Loop: !Not [!Condition Loop]', 'IsDev: !Not [!Condition IsProd]'),
  );
  assert.deepEqual(
    referring.problems.map((p) => `${p.field}: ${p.message}`),
    [
      'Resources.Node.Properties.Spec.Backends[1][0].VirtualService.VirtualServiceName: ProdNode is not created: its condition IsProd is false',
    ],
  );
});
