// IAM-style identity policies: parsed once into matchers, evaluated with explicit deny first, default deny.

export type Effect = 'Allow' | 'Deny';

export interface PolicyStatement {
  readonly effect: Effect;
  readonly actions: readonly RegExp[];
  readonly resources: readonly RegExp[];
}

export interface Policy {
  readonly statements: readonly PolicyStatement[];
}

export type Decision = 'allow' | 'explicitDeny' | 'implicitDeny';

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

const knownVersions = new Set(['2012-10-17', '2008-10-17']);
const statementKeys = new Set(['Sid', 'Effect', 'Action', 'Resource']);

/** IAM wildcards: `*` any run of characters (`/` and `:` included), `?` exactly one. */
export function wildcardPattern(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
}

function stringList(value: unknown, where: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.some((item) => typeof item !== 'string' || item === '')
  ) {
    throw new PolicyError(`${where} must be a non-empty string or a non-empty list of strings`);
  }
  return list as string[];
}

function parseAction(action: string, where: string): RegExp {
  // An action is `service:Name`; `*` alone means every action of every service.
  if (action !== '*' && !/^[a-z0-9-]+:[A-Za-z0-9*?]+$/i.test(action)) {
    throw new PolicyError(
      `${where} ${JSON.stringify(action)} must look like appmesh:DescribeMesh or appmesh:List*`,
    );
  }
  // IAM compares action names without regard to case.
  return wildcardPattern(action, true);
}

function parseResource(resource: string, where: string): RegExp {
  if (resource !== '*' && !resource.startsWith('arn:')) {
    throw new PolicyError(
      `${where} ${JSON.stringify(resource)} must be "*" or an ARN pattern (arn:aws:appmesh:…)`,
    );
  }
  return wildcardPattern(resource, false);
}

function parseStatement(raw: unknown, where: string): PolicyStatement {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PolicyError(`${where} must be an object with Effect, Action and Resource`);
  }
  const fields = raw as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!statementKeys.has(key)) {
      // Ignoring a Condition or NotAction would grant more than the author meant: refuse what we cannot honour.
      throw new PolicyError(
        `${where}.${key} is not supported; a statement has Sid, Effect, Action and Resource`,
      );
    }
  }
  if (fields.Effect !== 'Allow' && fields.Effect !== 'Deny') {
    throw new PolicyError(`${where}.Effect must be "Allow" or "Deny"`);
  }
  return {
    effect: fields.Effect,
    actions: stringList(fields.Action, `${where}.Action`).map((action, index) =>
      parseAction(action, `${where}.Action[${index}]`),
    ),
    resources: stringList(fields.Resource, `${where}.Resource`).map((resource, index) =>
      parseResource(resource, `${where}.Resource[${index}]`),
    ),
  };
}

/** Parses a policy document (`{Version?, Statement}`); `where` prefixes every error message. */
export function parsePolicy(raw: unknown, where: string): Policy {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PolicyError(`${where} must be an object with a Statement`);
  }
  const document = raw as Record<string, unknown>;
  for (const key of Object.keys(document)) {
    if (key !== 'Version' && key !== 'Statement' && key !== 'Id') {
      throw new PolicyError(`${where}.${key} is not supported; a policy has Version and Statement`);
    }
  }
  if (document.Version !== undefined && !knownVersions.has(document.Version as string)) {
    throw new PolicyError(`${where}.Version must be "2012-10-17"`);
  }
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  if (document.Statement === undefined || statements.length === 0) {
    throw new PolicyError(`${where}.Statement must hold at least one statement`);
  }
  return {
    statements: statements.map((statement, index) =>
      parseStatement(statement, `${where}.Statement[${index}]`),
    ),
  };
}

const matchesAny = (patterns: readonly RegExp[], value: string): boolean =>
  patterns.some((p) => p.test(value));

/** IAM's order: any matching Deny wins, then any matching Allow, else the default deny. */
export function evaluatePolicy(policy: Policy, action: string, resource: string): Decision {
  let allowed = false;
  for (const statement of policy.statements) {
    if (!matchesAny(statement.actions, action) || !matchesAny(statement.resources, resource)) continue;
    if (statement.effect === 'Deny') return 'explicitDeny';
    allowed = true;
  }
  return allowed ? 'allow' : 'implicitDeny';
}
