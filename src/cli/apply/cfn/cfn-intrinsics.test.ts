import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CfnError, resolveIntrinsics, type CfnResolver } from './cfn-intrinsics.ts';

const resolver: CfnResolver = {
  ref(name, path) {
    const values: Record<string, unknown> = {
      Env: 'prod',
      Port: 8080,
      'AWS::Region': 'eu-west-1',
      Node: 'arn:node',
    };
    if (name in values) return values[name];
    throw new CfnError(path, `unknown ${name}`);
  },
  getAtt(logicalId, attribute) {
    return `${logicalId}.${attribute}`;
  },
};

const resolve = (value: unknown) => resolveIntrinsics(value, resolver, 'X');

test('Ref answers parameters and resources; AWS::NoValue drops the member', () => {
  assert.deepEqual(resolve({ a: { Ref: 'Env' }, b: { Ref: 'Port' }, c: { Ref: 'AWS::NoValue' } }), {
    a: 'prod',
    b: 8080,
  });
  assert.deepEqual(resolve([{ Ref: 'Env' }, { Ref: 'AWS::NoValue' }]), ['prod']);
});

test('Fn::Sub substitutes parameters, pseudo parameters, attributes, its own variables and keeps ${!literals}', () => {
  assert.equal(resolve({ 'Fn::Sub': 'svc.${Env}.${AWS::Region}' }), 'svc.prod.eu-west-1');
  assert.equal(resolve({ 'Fn::Sub': '${Mesh.MeshName}/x' }), 'Mesh.MeshName/x');
  assert.equal(resolve({ 'Fn::Sub': ['${Name}-${Env}', { Name: { Ref: 'Node' } }] }), 'arn:node-prod');
  assert.equal(resolve({ 'Fn::Sub': '${!Literal}' }), '${Literal}');
});

test('Fn::GetAtt takes the list or the dotted form; Fn::Join, Fn::Select and Fn::Split nest', () => {
  assert.equal(resolve({ 'Fn::GetAtt': ['Node', 'VirtualNodeName'] }), 'Node.VirtualNodeName');
  assert.equal(resolve({ 'Fn::GetAtt': 'Node.Arn' }), 'Node.Arn');
  assert.equal(resolve({ 'Fn::Join': ['_', ['a', { Ref: 'Env' }, 3]] }), 'a_prod_3');
  assert.equal(resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] }), 'b');
});

test('unsupported functions and bad arguments are errors with the path', () => {
  assert.throws(
    () => resolve({ spec: { 'Fn::GetAZs': '' } }),
    (error: CfnError) => {
      assert.equal(error.path, 'X.spec');
      assert.match(error.message, /Fn::GetAZs is not supported/);
      return true;
    },
  );
  assert.throws(() => resolve({ 'Fn::If': ['C', 1, 2] }), /condition C cannot be used here/);
  assert.throws(() => resolve({ 'Fn::ImportValue': 'x' }), /Fn::ImportValue cannot be used here/);
  assert.throws(() => resolve({ 'Fn::Join': ['-'] }), /takes a list of 2 items/);
  assert.throws(() => resolve({ Ref: 'Missing' }), /unknown Missing/);
});

const withSections: CfnResolver = {
  ...resolver,
  condition: (name) => name === 'IsProd',
  findInMap: (map, top, second) => `${map}/${top}/${second}`,
  importValue: (name) => `imported:${name}`,
};
const resolveAll = (value: unknown) => resolveIntrinsics(value, withSections, 'X');

test('Fn::If evaluates only the chosen branch; AWS::NoValue from it drops the member', () => {
  assert.deepEqual(
    resolveAll({
      a: { 'Fn::If': ['IsProd', 'big', { Ref: 'Missing' }] },
      b: { 'Fn::If': ['IsTest', 'x', { Ref: 'AWS::NoValue' }] },
      c: [{ 'Fn::If': ['IsTest', 1, { Ref: 'AWS::NoValue' }] }, 2],
    }),
    { a: 'big', c: [2] },
  );
});

test('condition functions: Equals compares as CloudFormation does, Not/And/Or take conditions', () => {
  assert.equal(resolveAll({ 'Fn::Equals': [{ Ref: 'Port' }, '8080'] }), true);
  assert.equal(resolveAll({ 'Fn::Equals': [{ Ref: 'Env' }, 'test'] }), false);
  assert.equal(resolveAll({ 'Fn::Not': [{ Condition: 'IsProd' }] }), false);
  assert.equal(resolveAll({ 'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Equals': ['a', 'a'] }] }), true);
  assert.equal(resolveAll({ 'Fn::Or': [{ Condition: 'IsTest' }, { Condition: 'IsProd' }] }), true);
  assert.throws(() => resolveAll({ 'Fn::Not': ['yes'] }), /Fn::Not takes conditions/);
  assert.throws(() => resolveAll({ 'Fn::And': [{ Condition: 'IsProd' }] }), /2 to 10 conditions/);
});

test('Fn::FindInMap and Fn::ImportValue resolve their arguments first', () => {
  assert.equal(resolveAll({ 'Fn::FindInMap': ['Sizes', { Ref: 'Env' }, 'Port'] }), 'Sizes/prod/Port');
  assert.equal(resolveAll({ 'Fn::ImportValue': { 'Fn::Sub': '${Env}-MeshName' } }), 'imported:prod-MeshName');
});
