import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestedCommand } from './requested-command.ts';

const commands = new Set(['proxy', 'get', 'control-plane']);

test('the command is the first argument that names one', () => {
  assert.equal(requestedCommand(['proxy', '--node', 'mesh/m/virtualNode/a'], commands), 'proxy');
  assert.equal(requestedCommand(['get', 'mesh', 'proxy'], commands), 'get');
});

test('global options and their values come before the command', () => {
  assert.equal(requestedCommand(['--endpoint', 'get', 'control-plane'], commands), 'control-plane');
  assert.equal(requestedCommand(['--endpoint=http://h:1', 'get', 'mesh'], commands), 'get');
});

test('help, an unknown word or no command at all names none', () => {
  assert.equal(requestedCommand([], commands), undefined);
  assert.equal(requestedCommand(['--help'], commands), undefined);
  assert.equal(requestedCommand(['help', 'proxy'], commands), undefined);
  assert.equal(requestedCommand(['bogus', 'proxy'], commands), undefined);
});
