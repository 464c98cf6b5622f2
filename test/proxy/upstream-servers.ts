// Kept only for config-swap.test.ts, which another change rewrites: the proxy tests' helpers now live in
// test/support and harness.ts. Delete this file once nothing imports it.
import { waitFor as waitForCondition } from '../support/wait-for.ts';

export { startHttpServer, startNamedServer, type TestServer } from '../support/echo-apps.ts';
export { closeClientAgent, request, type SimpleResponse } from './harness.ts';

/** The old argument order of `waitFor`: condition first. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  await waitForCondition(what, check, { timeoutMs });
}
