// Kept only for test/e2e/nack.test.ts, which another change rewrites: the e2e helpers now live in test/support.
// Delete this file once nothing imports it.
export { ProxyClient, type HttpAnswer as ProxiedResponse } from '../../support/http-client.ts';
