// App Mesh's "match and rewrite at ingress" walkthrough, rebuilt on Switchyard
// (examples/walkthroughs/match-and-rewrite-at-ingress): the base mesh, then each step file applied with
// `switchyard apply -f` in turn, checked with curl as the walkthrough does.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { waitFor } from '../support/wait-for.ts';
import { colors, tell } from './support/tell.ts';
import { runWalkthrough, type WalkthroughRun } from './support/walkthrough-run.ts';

let run: WalkthroughRun;
let port: number;

before(async () => {
  run = await runWalkthrough('match-and-rewrite-at-ingress');
  port = run.gatewayPort;
  await waitFor('red and yellow answering through the gateway', async () => {
    const [red, yellow] = await Promise.all([tell(port, '/red/tell'), tell(port, '/yellow/tell')]);
    return red.color === 'red' && yellow.color === 'yellow';
  });
});

after(async () => {
  await run?.close();
});

test('base mesh: /red/tell and /yellow/tell reach their colortellers as /tell', async () => {
  assert.deepEqual(new Set(await colors(port, '/red/tell', 8)), new Set(['red']));
  assert.deepEqual(new Set(await colors(port, '/yellow/tell', 8)), new Set(['yellow']));
  const red = await tell(port, '/red/tell');
  assert.equal(red.seenPath, '/tell');
  assert.equal(red.seenHost, 'colorteller-1.walkthrough.local');
});

test('step 1, hostname match: /red/tell reaches red only with Host www.example.com', async () => {
  await run.applyStep('steps/1-hostname-match.json');
  await waitFor('the hostname match in force', async () => (await tell(port, '/red/tell')).status === 404);
  assert.deepEqual(await colors(port, '/red/tell', 4, 'www.example.com'), ['red', 'red', 'red', 'red']);
  assert.equal((await tell(port, '/red/tell', `www.example.com:${port}`)).color, 'red');
  assert.equal((await tell(port, '/red/tell', 'example.com')).status, 404);
  assert.equal((await tell(port, '/yellow/tell')).color, 'yellow', 'the other gateway route is unchanged');
});

test('step 2, default prefix rewrite disabled: red sees the whole path /red/tell', async () => {
  await run.applyStep('steps/2-disable-default-prefix-rewrite.json');
  await waitFor('the rewrite disabled', async () => (await tell(port, '/red/tell')).seenPath === '/red/tell');
  assert.deepEqual(await colors(port, '/red/tell', 4), ['red', 'red', 'red', 'red']);
  assert.equal((await tell(port, '/red/other')).status, 404, 'the route behind now wants /red/tell');
});

test('step 3, query parameter match and custom prefix rewrite: /maroon/tell?fishes=nemo → /red/tell', async () => {
  await run.applyStep('steps/3-query-parameter-and-custom-prefix.json');
  await waitFor(
    'the maroon route in force',
    async () => (await tell(port, '/maroon/tell?fishes=nemo')).color === 'red',
  );
  assert.deepEqual(await colors(port, '/maroon/tell?fishes=nemo', 4), ['red', 'red', 'red', 'red']);
  const red = await tell(port, '/maroon/tell?fishes=nemo');
  assert.equal(red.seenPath, '/red/tell?fishes=nemo');
  assert.equal((await tell(port, '/maroon/tell?fishes=dory')).status, 404);
  assert.equal((await tell(port, '/maroon/tell')).status, 404);
  assert.equal((await tell(port, '/red/tell')).status, 404, 'the old prefix no longer matches');
});
