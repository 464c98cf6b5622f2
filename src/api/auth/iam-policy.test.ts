// Policy evaluation as IAM does it: wildcards, resource patterns, explicit deny first, default deny.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatePolicy, parsePolicy, PolicyError, type Decision } from './iam-policy.ts';

const arn = (path: string) => `arn:aws:appmesh:us-east-1:111122223333:${path}`;

const admin = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'appmesh:*', Resource: '*' }] };
const readOnly = {
  Statement: [{ Effect: 'Allow', Action: ['appmesh:Describe*', 'appmesh:List*'], Resource: '*' }],
};
const shopOnly = {
  Statement: [
    { Effect: 'Allow', Action: 'appmesh:*', Resource: 'arn:aws:appmesh:*:111122223333:mesh/shop*' },
    { Effect: 'Deny', Action: ['appmesh:Delete*'], Resource: 'arn:aws:appmesh:*:*:mesh/shop' },
    { Effect: 'Allow', Action: 'appmesh:ListMeshes', Resource: '*' },
  ],
};
const singleStatement = {
  Statement: { Effect: 'Allow', Action: 'appmesh:Describe?esh', Resource: arn('mesh/a') },
};
const denyAll = {
  Statement: [
    { Effect: 'Allow', Action: '*', Resource: '*' },
    { Effect: 'Deny', Action: 'servicediscovery:*', Resource: '*' },
  ],
};

const table: readonly [
  name: string,
  policy: unknown,
  action: string,
  resource: string,
  expected: Decision,
][] = [
  ['admin may create', admin, 'appmesh:CreateMesh', arn('mesh/x'), 'allow'],
  ['admin is App Mesh only', admin, 'servicediscovery:RegisterInstance', '*', 'implicitDeny'],
  ['read-only may describe', readOnly, 'appmesh:DescribeVirtualNode', arn('mesh/x/virtualNode/n'), 'allow'],
  ['read-only may list', readOnly, 'appmesh:ListMeshes', '*', 'allow'],
  [
    'read-only may not update',
    readOnly,
    'appmesh:UpdateRoute',
    arn('mesh/x/virtualRouter/r/route/a'),
    'implicitDeny',
  ],
  ['action names ignore case', readOnly, 'APPMESH:describemesh', arn('mesh/x'), 'allow'],
  ['resource pattern: mesh itself', shopOnly, 'appmesh:UpdateMesh', arn('mesh/shop'), 'allow'],
  [
    'resource pattern: * crosses /',
    shopOnly,
    'appmesh:CreateRoute',
    arn('mesh/shop/virtualRouter/r/route/a'),
    'allow',
  ],
  [
    'resource pattern: prefix',
    shopOnly,
    'appmesh:CreateVirtualNode',
    arn('mesh/shopping/virtualNode/n'),
    'allow',
  ],
  [
    'resource pattern: other mesh',
    shopOnly,
    'appmesh:CreateVirtualNode',
    arn('mesh/bank/virtualNode/n'),
    'implicitDeny',
  ],
  [
    'resource pattern: other account',
    shopOnly,
    'appmesh:UpdateMesh',
    'arn:aws:appmesh:us-east-1:999999999999:mesh/shop',
    'implicitDeny',
  ],
  ['resources are case-sensitive', shopOnly, 'appmesh:UpdateMesh', arn('mesh/Shop'), 'implicitDeny'],
  ['explicit deny beats allow', shopOnly, 'appmesh:DeleteMesh', arn('mesh/shop'), 'explicitDeny'],
  ['deny pattern is exact', shopOnly, 'appmesh:DeleteMesh', arn('mesh/shop2'), 'allow'],
  ['list on * needs Resource *', shopOnly, 'appmesh:ListMeshes', '*', 'allow'],
  [
    'an ARN pattern does not match *',
    { Statement: [{ Effect: 'Allow', Action: '*', Resource: arn('*') }] },
    'appmesh:ListMeshes',
    '*',
    'implicitDeny',
  ],
  ['? is one character', singleStatement, 'appmesh:DescribeMesh', arn('mesh/a'), 'allow'],
  ['? is not two', singleStatement, 'appmesh:DescribeMmesh', arn('mesh/a'), 'implicitDeny'],
  [
    'regex characters are literal',
    { Statement: [{ Effect: 'Allow', Action: '*', Resource: arn('mesh/a.b') }] },
    'appmesh:DescribeMesh',
    arn('mesh/aXb'),
    'implicitDeny',
  ],
  ['deny of another service', denyAll, 'servicediscovery:DeregisterInstance', '*', 'explicitDeny'],
  ['bare * allows everything else', denyAll, 'switchyard:GetXdsClients', '*', 'allow'],
  [
    'no statement matches: default deny',
    { Statement: [{ Effect: 'Deny', Action: 'appmesh:Delete*', Resource: '*' }] },
    'appmesh:DescribeMesh',
    arn('mesh/a'),
    'implicitDeny',
  ],
];

describe('IAM-style policy evaluation', () => {
  for (const [name, policy, action, resource, expected] of table) {
    it(`${name}: ${action} on ${resource} → ${expected}`, () => {
      assert.equal(evaluatePolicy(parsePolicy(policy, 'policy'), action, resource), expected);
    });
  }
});

describe('policy parsing', () => {
  const refused: readonly [unknown, RegExp][] = [
    [{}, /Statement must hold/],
    [{ Statement: [] }, /Statement must hold/],
    [{ Version: '2020-01-01', Statement: admin.Statement }, /Version/],
    [{ Statement: [{ Effect: 'allow', Action: '*', Resource: '*' }] }, /Effect must be "Allow" or "Deny"/],
    [{ Statement: [{ Effect: 'Allow', Action: [], Resource: '*' }] }, /Action must be a non-empty/],
    [{ Statement: [{ Effect: 'Allow', Action: 'DescribeMesh', Resource: '*' }] }, /must look like appmesh:/],
    [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: 'mesh/a' }] }, /ARN pattern/],
    [
      { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: {} }] },
      /Statement\[0\]\.Condition is not supported/,
    ],
    [
      { Statement: [{ Effect: 'Allow', NotAction: 'appmesh:Delete*', Resource: '*' }] },
      /NotAction is not supported/,
    ],
    [{ Statement: admin.Statement, Principal: '*' }, /Principal is not supported/],
  ];
  for (const [policy, message] of refused) {
    it(`refuses ${JSON.stringify(policy)}`, () => {
      assert.throws(
        () => parsePolicy(policy, 'keys[0].policy'),
        (error: unknown) =>
          error instanceof PolicyError &&
          message.test(error.message) &&
          error.message.startsWith('keys[0].policy'),
      );
    });
  }
});
