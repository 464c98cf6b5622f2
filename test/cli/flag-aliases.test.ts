// One documented spelling per setting: `--xds-addr` / SWITCHYARD_XDS_ADDR in every command, with the proxy's
// former `--xds` / SWITCHYARD_XDS accepted as aliases everywhere. Each case gives an address the command refuses,
// so the error line names the value the command took (no server is started).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSwitchyard } from '../support/switchyard-process.ts';

const commands: Record<string, readonly string[]> = {
  'control-plane': ['control-plane'],
  proxy: ['proxy', '--node', 'mesh/m/virtualNode/n'],
  'envoy-bootstrap': ['envoy-bootstrap', '--node', 'mesh/m/virtualNode/n'],
};

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  /** The value the command must have taken, or the error it must give. */
  readonly expect: { took: string } | { error: RegExp };
}

const cases: readonly Case[] = [
  { name: 'the documented flag', args: ['--xds-addr', 'flag-A'], env: {}, expect: { took: 'flag-A' } },
  {
    name: 'the documented variable',
    args: [],
    env: { SWITCHYARD_XDS_ADDR: 'env-A' },
    expect: { took: 'env-A' },
  },
  { name: 'the alias flag', args: ['--xds', 'alias-flag'], env: {}, expect: { took: 'alias-flag' } },
  {
    name: 'the alias variable',
    args: [],
    env: { SWITCHYARD_XDS: 'alias-env' },
    expect: { took: 'alias-env' },
  },
  {
    name: 'a flag beats a variable, alias or not',
    args: ['--xds', 'alias-flag'],
    env: { SWITCHYARD_XDS_ADDR: 'env-A' },
    expect: { took: 'alias-flag' },
  },
  {
    name: 'the documented flag beats the alias variable',
    args: ['--xds-addr', 'flag-A'],
    env: { SWITCHYARD_XDS: 'alias-env' },
    expect: { took: 'flag-A' },
  },
  {
    name: 'both flags, different values',
    args: ['--xds-addr', 'flag-A', '--xds', 'alias-flag'],
    env: {},
    expect: { error: /--xds-addr and its alias --xds give different values: give one/ },
  },
  {
    name: 'both variables, different values',
    args: [],
    env: { SWITCHYARD_XDS_ADDR: 'env-A', SWITCHYARD_XDS: 'alias-env' },
    expect: { error: /SWITCHYARD_XDS_ADDR and its alias SWITCHYARD_XDS give different values: set one/ },
  },
];

// No stray variable of the test's own environment may decide a case.
for (const name of ['SWITCHYARD_XDS_ADDR', 'SWITCHYARD_XDS', 'APPMESH_XDS_ENDPOINT'])
  delete process.env[name];

for (const [command, base] of Object.entries(commands)) {
  test(`${command}: --xds-addr, SWITCHYARD_XDS_ADDR and their aliases --xds, SWITCHYARD_XDS`, async () => {
    // One at a time: a loaded machine takes seconds to start each, and a start-up is what must fail in time.
    for (const c of cases) {
      const proc = spawnSwitchyard([...base, ...c.args], c.env);
      // A command that took no bad value starts up and runs: it fails the case rather than the test hanging.
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), 60_000);
      const exit = await new Promise<number | null>((resolve) => proc.child.once('close', resolve));
      clearTimeout(timer);
      assert.equal(exit, 1, `${c.name}: ${proc.stderr()}`);
      const stderr = proc.stderr();
      if ('took' in c.expect)
        assert.match(stderr, new RegExp(`--xds-addr must be HOST:PORT.*got "${c.expect.took}"`), c.name);
      else assert.match(stderr, c.expect.error, c.name);
    }
  });
}
