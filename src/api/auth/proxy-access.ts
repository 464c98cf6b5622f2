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
  async authorize(principal: ProxyPrincipal, method: string, rawUrl: string, body?: Buffer): Promise<void> {
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
    // A token of a node since deleted does not speak for a new node of the same name.
    if (
      principal.kind === 'proxyToken' &&
      principal.nodeUid !== undefined &&
      (await this.#options.owners.nodeUid(principal.node)) !== principal.nodeUid
    )
      return deny();
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
        await this.#refuseOthersAttributes(own, where, body);
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

  /**
   * Versions of a service share one Cloud Map service and differ by attributes: an instance carrying a key
   * another sharing node filters on would be sent that node's traffic, so a proxy may not set such keys (its
   * own node's filter keys are overwritten with its own values by registration anyway).
   */
  async #refuseOthersAttributes(
    own: string,
    where: {
      readonly namespaceName: string;
      readonly serviceName: string;
      readonly filterKeys: readonly string[];
    },
    body: Buffer | undefined,
  ): Promise<void> {
    const { namespaceName, serviceName, filterKeys } = where;
    const attributes = attributesOf(body);
    if (attributes.length === 0) return;
    const taken = await this.#options.owners.othersFilterKeys(namespaceName, serviceName, own);
    const refused = attributes.filter((key) => taken.has(key) && !filterKeys.includes(key));
    if (refused.length === 0) return;
    throw new AuthError(
      'AccessDeniedException',
      `Proxy ${own} is not authorized to set instance attribute ${refused.map((k) => JSON.stringify(k.slice(0, 100))).join(', ')}: other virtual nodes sharing Cloud Map service ${serviceName} of namespace ${namespaceName} select their instances by it`,
    );
  }
}

/** The attribute keys of a registration body; none when it is no JSON object (the handler refuses it then). */
function attributesOf(body: Buffer | undefined): string[] {
  if (body === undefined || body.length === 0) return [];
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { attributes?: unknown } | null;
    const attributes = parsed?.attributes;
    return typeof attributes === 'object' && attributes !== null ? Object.keys(attributes) : [];
  } catch {
    return [];
  }
}
