// What a proxy presenting its token may do on the API: register, update and deregister its own node's instances.

import type { AccountScope } from '../../model/arn.ts';
import type { InstanceOwners } from '../../registry/instance-owners.ts';
import { matchRegistryPath, registryPrefix } from '../../registry/http/registry-paths.ts';
import { AuthError, unrecognizedClient } from './auth-error.ts';
import type { ProxyAuthenticator, ProxyPrincipal } from './proxy-authenticator.ts';
import { nodePath } from './proxy-token.ts';
import { requestAction } from './request-action.ts';

export interface ProxyAccessOptions {
  readonly authenticator: ProxyAuthenticator;
  readonly owners: InstanceOwners;
  readonly scope: AccountScope;
}

/** `Authorization: Bearer <token>`: the token, or undefined when the header is no bearer token. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  return match?.[1];
}

export class ProxyAccess {
  readonly #options: ProxyAccessOptions;

  constructor(options: ProxyAccessOptions) {
    this.#options = options;
  }

  /** Throws UnrecognizedClientException for a token that is malformed, expired, revoked or not ours. */
  authenticate(token: string): ProxyPrincipal {
    const result = this.#options.authenticator.authenticateToken(token);
    if (!result.ok) throw unrecognizedClient();
    return result.principal;
  }

  /**
   * Throws AccessDeniedException unless the request registers (by node), updates the health or heartbeat of,
   * or deregisters an instance of the principal's own virtual node. An instance is the node's when by-node
   * registration recorded it so; re-registering an id that another node (or an API key) holds is refused.
   */
  async authorize(principal: ProxyPrincipal, method: string, rawUrl: string): Promise<void> {
    const path = rawUrl.split('?', 1)[0]!;
    const own = nodePath(principal.node);
    const deny = (): never => {
      const wanted = requestAction(method, rawUrl, this.#options.scope);
      const what = wanted ? `${wanted.action} on resource: ${wanted.resource}` : `${method} ${path}`;
      throw new AuthError(
        'AccessDeniedException',
        `Proxy ${own} is not authorized to perform: ${what}: a proxy token may change only its own virtual node's instances`,
      );
    };
    if (principal.node.kind !== 'virtualNode') return deny();
    if (!(path === registryPrefix || path.startsWith(`${registryPrefix}/`))) return deny();
    const match = matchRegistryPath(method, path);
    if ('error' in match) return deny();
    const { owners } = this.#options;
    const [first = '', second = '', instanceId = ''] = match.labels;
    switch (match.operation) {
      case 'putNodeInstance': {
        if (first !== principal.node.meshName || second !== principal.node.name) return deny();
        const where = await owners.nodeService(first, second);
        // No awsCloudMap discovery: the handler answers 409 and registers nothing.
        if (where === undefined) return;
        const { namespaceName, serviceName } = where;
        if (!(await owners.exists(namespaceName, serviceName, instanceId))) return;
        if ((await owners.ownerOf(namespaceName, serviceName, instanceId)) !== own) return deny();
        return;
      }
      case 'deleteInstance':
      case 'putInstanceHealth':
      case 'putInstanceHeartbeat':
        if ((await owners.ownerOf(first, second, instanceId)) !== own) return deny();
        return;
      default:
        return deny();
    }
  }
}
