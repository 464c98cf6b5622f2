import assert from 'node:assert/strict';
import { test } from 'node:test';
import { camelPathToPascal, convertKeys, pascalToCamel } from './pascal-case.ts';

test('PascalCase keys lower their first letter, acronym unions become the API spelling', () => {
  const cases: [string, string][] = [
    ['PortMapping', 'portMapping'],
    ['Http2Route', 'http2Route'],
    ['TLS', 'tls'],
    ['ACM', 'acm'],
    ['SDS', 'sds'],
    ['DNS', 'dns'],
    ['AWSCloudMap', 'awsCloudMap'],
    ['HTTP', 'http'],
    ['HTTP2', 'http2'],
    ['GRPC', 'grpc'],
    ['TCP', 'tcp'],
    ['CertificateAuthorityArns', 'certificateAuthorityArns'],
    ['IpPreference', 'ipPreference'],
  ];
  for (const [pascal, camel] of cases) assert.equal(pascalToCamel(pascal), camel, pascal);
});

test('convertKeys converts nested objects and lists but never values', () => {
  const spec = {
    Listeners: [
      {
        PortMapping: { Port: 8080, Protocol: 'http' },
        TLS: { Mode: 'STRICT', Certificate: { ACM: { CertificateArn: 'arn:x' } } },
        ConnectionPool: { HTTP2: { MaxRequests: 10 } },
      },
    ],
    ServiceDiscovery: {
      AWSCloudMap: { NamespaceName: 'ns', ServiceName: 'Svc', Attributes: [{ Key: 'K', Value: 'V' }] },
    },
  };
  assert.deepEqual(convertKeys(spec), {
    listeners: [
      {
        portMapping: { port: 8080, protocol: 'http' },
        tls: { mode: 'STRICT', certificate: { acm: { certificateArn: 'arn:x' } } },
        connectionPool: { http2: { maxRequests: 10 } },
      },
    ],
    serviceDiscovery: {
      awsCloudMap: { namespaceName: 'ns', serviceName: 'Svc', attributes: [{ key: 'K', value: 'V' }] },
    },
  });
});

test('API field paths are named back in CloudFormation spelling', () => {
  assert.equal(
    camelPathToPascal('spec.listeners[0].tls.certificate.acm.certificateArn'),
    'Spec.Listeners[0].TLS.Certificate.ACM.CertificateArn',
  );
  assert.equal(camelPathToPascal('spec.serviceDiscovery.awsCloudMap'), 'Spec.ServiceDiscovery.AWSCloudMap');
});
