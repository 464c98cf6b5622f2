// CloudFormation's short-form YAML tags (`!Ref X`, `!Sub ...`, `!GetAtt A.B`) read as their long-form objects.

import { Scalar, YAMLMap, type CollectionTag, type ScalarTag, type YAMLSeq } from 'yaml';

const functions = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
] as const;

function wrapNode(key: string, value: YAMLMap | YAMLSeq): YAMLMap {
  const map = new YAMLMap();
  map.set(new Scalar(key), value);
  return map;
}

function tagsFor(
  tagName: string,
  key: string,
  scalar: (text: string) => unknown,
): (ScalarTag | CollectionTag)[] {
  return [
    { tag: `!${tagName}`, resolve: (text: string) => ({ [key]: scalar(text) }) },
    { tag: `!${tagName}`, collection: 'seq', resolve: (node) => wrapNode(key, node) },
    { tag: `!${tagName}`, collection: 'map', resolve: (node) => wrapNode(key, node) },
  ];
}

/** Pass as `customTags` when parsing YAML that may be a CloudFormation template. */
export const cfnYamlTags: (ScalarTag | CollectionTag)[] = [
  ...tagsFor('Ref', 'Ref', (text) => text),
  ...tagsFor('Condition', 'Condition', (text) => text),
  ...functions.flatMap((name) =>
    tagsFor(name, `Fn::${name}`, (text) => {
      if (name !== 'GetAtt') return text;
      const dot = text.indexOf('.');
      return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
    }),
  ),
];
