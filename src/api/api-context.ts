// Everything an API handler needs, passed explicitly so tests can build one with a real store.

import type { Logger } from 'pino';
import type { AccountScope } from '../model/arn.ts';
import type { Store } from '../store/store.ts';
import type { Quotas } from './quotas.ts';

export interface ApiContext {
  readonly store: Store;
  readonly account: AccountScope;
  readonly quotas: Quotas;
  /** Epoch milliseconds; injected so tests control time. */
  readonly now: () => number;
  readonly newUid: () => string;
  readonly logger: Logger;
}
