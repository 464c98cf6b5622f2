// Who may call the API: SigV4 authentication against the access file's keys, then their policies. Reloadable.

import type { Logger } from 'pino';
import type { AccountScope } from '../../model/arn.ts';
import type { AccessKey } from './access-file.ts';
import { loadAccessFile, type AccessKeys } from './access-file.ts';
import type { ProxyPrincipal } from './proxy-authenticator.ts';
import { AuthError, missingToken, unrecognizedClient } from './auth-error.ts';
import { evaluatePolicy } from './iam-policy.ts';
import { requestAction } from './request-action.ts';
import {
  checkFreshness,
  parseSignatureClaim,
  verifySignature,
  type SignatureClaim,
  type SignedRequest,
} from './sigv4-verifier.ts';

export const signingService = 'appmesh';

/** A request signed (SigV4) with a key from the access file. */
export type ApiKeyPrincipal = { readonly kind: 'apiKey'; readonly key: AccessKey };

/**
 * Who a request proved to be: an API key, or a proxy presenting its token (`Authorization: Bearer syt1…`),
 * authenticated by the proxy token authority instead of SigV4 and authorised by what its node may do
 * (proxy-access.ts).
 */
export type Principal = ApiKeyPrincipal | { readonly kind: 'proxy'; readonly proxy: ProxyPrincipal };

/** A signature whose key is known and whose date is fresh; the body decides the rest. */
export interface PendingSignature {
  readonly claim: SignatureClaim;
  readonly key: AccessKey;
}

export interface ApiAccessOptions {
  readonly file: string;
  readonly scope: AccountScope;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  /** Epoch milliseconds; injected so tests control the clock skew check. */
  readonly now?: () => number;
}

export class ApiAccess {
  readonly file: string;
  readonly #scope: AccountScope;
  readonly #logger: Pick<Logger, 'info' | 'warn'>;
  readonly #now: () => number;
  // Swapped whole on reload: a request keeps the key it authenticated with.
  #keys: AccessKeys;

  private constructor(options: ApiAccessOptions, keys: AccessKeys) {
    this.file = options.file;
    this.#scope = options.scope;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#keys = keys;
  }

  /** Loads the file; rejects with an AccessFileError whose message is one line naming the file. */
  static async open(options: ApiAccessOptions): Promise<ApiAccess> {
    return new ApiAccess(options, await loadAccessFile(options.file));
  }

  get keyCount(): number {
    return this.#keys.size;
  }

  /** Re-reads the file (SIGHUP). A bad file keeps the keys in force and logs why; resolves to whether it took. */
  async reload(): Promise<boolean> {
    try {
      this.#keys = await loadAccessFile(this.file);
    } catch (error) {
      this.#logger.warn(
        { reason: (error as Error).message },
        'access file not reloaded; the previous keys stay in force',
      );
      return false;
    }
    this.#logger.info({ file: this.file, keys: this.#keys.size }, 'access file reloaded');
    return true;
  }

  /** What can be checked before the body is read: a signature is there, well formed, fresh, by a listed key. */
  screen(request: SignedRequest): PendingSignature {
    const claim = parseSignatureClaim(request, { region: this.#scope.region, service: signingService });
    if (claim === undefined) throw missingToken();
    const key = this.#keys.get(claim.accessKeyId);
    if (key === undefined) throw unrecognizedClient();
    checkFreshness(claim, this.#now());
    return { claim, key };
  }

  /** Verifies the signature over the whole request and returns who signed it. */
  authenticate(request: SignedRequest, pending: PendingSignature, bodySha256Hex: string): ApiKeyPrincipal {
    verifySignature(request, pending.claim, (scope) => pending.key.signingKey(scope), bodySha256Hex);
    return { kind: 'apiKey', key: pending.key };
  }

  /**
   * Throws AccessDeniedException unless the principal's policy allows this request's action on its resource.
   * `routeUrl` is the pattern of the route that will serve the request (fastify's `routeOptions.url`).
   */
  authorize(
    principal: ApiKeyPrincipal,
    method: string,
    rawUrl: string,
    body?: Buffer,
    routeUrl?: string,
  ): void {
    // A path no operation serves needs no permission: its handler answers 404 to any authenticated caller.
    const wanted = requestAction(method, rawUrl, this.#scope, body, routeUrl);
    if (wanted === undefined) return;
    const decision = evaluatePolicy(principal.key.policy, wanted.action, wanted.resource);
    if (decision === 'allow') return;
    const user = `arn:${this.#scope.partition}:iam::${this.#scope.accountId}:user/${principal.key.userName}`;
    const why =
      decision === 'explicitDeny'
        ? 'with an explicit deny in an identity-based policy'
        : `because no identity-based policy allows the ${wanted.action} action`;
    throw new AuthError(
      'AccessDeniedException',
      `User: ${user} is not authorized to perform: ${wanted.action} on resource: ${wanted.resource} ${why}`,
    );
  }
}
