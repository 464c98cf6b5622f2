// The App Mesh controller's naming rules: which App Mesh name (`awsName`) a custom resource gets by default.

export const appMeshK8sKinds = [
  'Mesh',
  'VirtualNode',
  'VirtualService',
  'VirtualRouter',
  'VirtualGateway',
  'GatewayRoute',
  'BackendGroup',
] as const;

export type AppMeshK8sKind = (typeof appMeshK8sKinds)[number];

export function isAppMeshK8sKind(kind: string): kind is AppMeshK8sKind {
  return (appMeshK8sKinds as readonly string[]).includes(kind);
}

/** Mesh: `<name>`; VirtualService: `<name>.<namespace>`; the others: `<name>_<namespace>`. */
export function defaultAwsName(kind: AppMeshK8sKind, name: string, namespace: string): string {
  if (kind === 'Mesh') return name;
  if (kind === 'VirtualService') return `${name}.${namespace}`;
  return `${name}_${namespace}`;
}
