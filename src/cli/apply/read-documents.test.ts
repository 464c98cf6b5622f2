import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocuments } from './read-documents.ts';

test('multi-document YAML yields one document per part, numbered, skipping empty ones', () => {
  const { documents, problems } = parseDocuments('f.yaml', 'a: 1\n---\n---\nb: 2\n');
  assert.deepEqual(problems, []);
  assert.deepEqual(
    documents.map((d) => [d.origin.document, d.value]),
    [
      [1, { a: 1 }],
      [3, { b: 2 }],
    ],
  );
});

test('CloudFormation short-form tags read as their long form', () => {
  const { documents } = parseDocuments(
    't.yaml',
    'a: !Ref X\nb: !GetAtt Node.VirtualNodeName\nc: !Sub ["${A}", {A: !Ref B}]\nd: !Join ["-", [!Ref X, y]]\n',
  );
  assert.deepEqual(documents[0]!.value, {
    a: { Ref: 'X' },
    b: { 'Fn::GetAtt': ['Node', 'VirtualNodeName'] },
    c: { 'Fn::Sub': ['${A}', { A: { Ref: 'B' } }] },
    d: { 'Fn::Join': ['-', [{ Ref: 'X' }, 'y']] },
  });
});

test('a JSON list is a list of documents; broken input is a problem with its line', () => {
  const list = parseDocuments('l.json', '[{"meshName": "a"}, {"meshName": "b"}]');
  assert.deepEqual(
    list.documents.map((d) => [d.origin.document, d.value]),
    [
      [1, { meshName: 'a' }],
      [2, { meshName: 'b' }],
    ],
  );
  const broken = parseDocuments('b.yaml', 'ok: 1\n---\nkey: [unclosed\n');
  assert.equal(broken.documents.length, 1);
  assert.equal(broken.problems.length, 1);
  assert.equal(broken.problems[0]!.origin.document, 2);
  assert.match(broken.problems[0]!.message, /not valid YAML\/JSON at line \d+/);
});

test('a .json file is strict JSON: a leading zero or a trailing comma is an error naming the line', () => {
  const zero = parseDocuments('w.json', '{\n  "weight": 00\n}\n');
  assert.deepEqual(zero.documents, []);
  assert.deepEqual(zero.problems, [
    { origin: { file: 'w.json' }, message: 'not valid JSON at line 2, column 14: Unexpected number' },
  ]);
  const comma = parseDocuments('c.JSON', '{\n  "a": 1,\n}\n');
  assert.match(comma.problems[0]!.message, /^not valid JSON at line 3, column 1: /);
  // The same text in a .yaml file stays YAML, where 00 is a number.
  assert.deepEqual(parseDocuments('w.yaml', '{\n  "weight": 00\n}\n').documents[0]!.value, { weight: 0 });
  assert.deepEqual(parseDocuments('empty.json', ' \n').documents, []);
});
