// App Mesh's "ingress gateway" walkthrough, rebuilt on Switchyard (examples/walkthroughs/ingress-gateway):
// applied with `switchyard apply -f`, four colortellers with sidecars behind two routers, one gateway with two
// gateway routes, driven with curl.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { waitFor } from '../support/wait-for.ts';
import { colors, tell } from './support/tell.ts';
import { runWalkthrough, type WalkthroughRun } from './support/walkthrough-run.ts';

let run: WalkthroughRun;

before(async () => {
  run = await runWalkthrough('ingress-gateway');
  await waitFor('all four colortellers answering through the gateway', async () => {
    const seen = new Set([
      ...(await colors(run.gatewayPort, '/color1/tell', 12)),
      ...(await colors(run.gatewayPort, '/color2/tell', 12)),
    ]);
    return ['white', 'blue', 'black', 'red'].every((c) => seen.has(c));
  });
});

after(async () => {
  await run?.close();
});

test('/color1/tell is answered by white and blue, /color2/tell by black and red (equal weights)', async () => {
  const one = await colors(run.gatewayPort, '/color1/tell', 80);
  const two = await colors(run.gatewayPort, '/color2/tell', 80);
  assert.deepEqual(new Set(one), new Set(['white', 'blue']));
  assert.deepEqual(new Set(two), new Set(['black', 'red']));
  const white = one.filter((c) => c === 'white').length;
  assert.ok(white >= 20 && white <= 60, `white answered ${white} of 80 (weights 1:1)`);
});

test('the gateway rewrites the matched prefix to / and the Host to the virtual service', async () => {
  const told = await tell(run.gatewayPort, '/color2/tell?x=1');
  assert.equal(told.seenPath, '/tell?x=1');
  assert.equal(told.seenHost, 'colorteller-2.walkthrough.local');
});

test('requests outside the routes: no gateway route (404), or no route of the service behind it (404)', async () => {
  assert.equal((await tell(run.gatewayPort, '/color3/tell')).status, 404);
  const noServiceRoute = await tell(run.gatewayPort, '/color1/ping');
  assert.equal(noServiceRoute.status, 404);
  assert.equal(noServiceRoute.color, '');
});

test("the gateway's access log and stats say what happened", async () => {
  const before = await run.gateway.proxy.stat('envoy_http_downstream_rq_xx');
  await tell(run.gatewayPort, '/color1/tell');
  const entry = await waitFor('the request in the access log', async () =>
    (await run.gateway.accessLog()).findLast((e) => e.path === '/color1/tell'),
  );
  assert.equal(entry.response_code, 200);
  assert.match(String(entry.upstream_cluster), /colorteller-(white|blue)-vn/);
  assert.ok((await run.gateway.proxy.stat('envoy_http_downstream_rq_xx')) > before);
});
