// Maps a method and a path under the registry prefix to one registry operation and its names.

export const registryPrefix = '/switchyard/v1/registry';

export type RegistryOperation =
  | 'listNamespaces'
  | 'putNamespace'
  | 'getNamespace'
  | 'deleteNamespace'
  | 'listServices'
  | 'putService'
  | 'getService'
  | 'deleteService'
  | 'listInstances'
  | 'putInstance'
  | 'getInstance'
  | 'deleteInstance'
  | 'putInstanceHealth'
  | 'putInstanceHeartbeat'
  | 'putNodeInstance';

export type PathMatch =
  /** `labels` are the decoded `{}` segments of the path, in order. */
  | { readonly operation: RegistryOperation; readonly labels: readonly string[] }
  | { readonly error: 'notFound' | 'methodNotAllowed' | 'badEncoding'; readonly message: string };

/** Path shapes, with `{}` for a name; the operation per method. */
const table: readonly (readonly [pattern: string, methods: Readonly<Record<string, RegistryOperation>>])[] = [
  ['namespaces', { GET: 'listNamespaces' }],
  ['namespaces/{}', { PUT: 'putNamespace', GET: 'getNamespace', DELETE: 'deleteNamespace' }],
  ['namespaces/{}/services', { GET: 'listServices' }],
  ['namespaces/{}/services/{}', { PUT: 'putService', GET: 'getService', DELETE: 'deleteService' }],
  ['namespaces/{}/services/{}/instances', { GET: 'listInstances' }],
  [
    'namespaces/{}/services/{}/instances/{}',
    { PUT: 'putInstance', GET: 'getInstance', DELETE: 'deleteInstance' },
  ],
  ['namespaces/{}/services/{}/instances/{}/health', { PUT: 'putInstanceHealth' }],
  ['namespaces/{}/services/{}/instances/{}/heartbeat', { PUT: 'putInstanceHeartbeat' }],
  ['meshes/{}/virtualNodes/{}/instances/{}', { PUT: 'putNodeInstance' }],
];

function decode(segments: readonly string[]): string[] | undefined {
  try {
    return segments.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

/** `path` is the URL path without the query, starting with the registry prefix. */
export function matchRegistryPath(method: string, path: string): PathMatch {
  const rest = path.slice(registryPrefix.length).replace(/^\/+/, '').replace(/\/$/, '');
  const raw = rest === '' ? [] : rest.split('/');
  for (const [pattern, methods] of table) {
    const parts = pattern.split('/');
    if (parts.length !== raw.length) continue;
    if (!parts.every((part, index) => part === '{}' || part === raw[index])) continue;
    const operation = methods[method];
    if (operation === undefined) {
      return {
        error: 'methodNotAllowed',
        message: `${method} is not supported on ${path}; use ${Object.keys(methods).join(', ')}`,
      };
    }
    const labels = decode(raw.filter((_, index) => parts[index] === '{}'));
    if (labels === undefined) {
      return { error: 'badEncoding', message: `${path} has a malformed percent-encoding` };
    }
    return { operation, labels };
  }
  return { error: 'notFound', message: `No registry operation matches ${method} ${path}` };
}
