// The parts of a Kubernetes manifest apply reads: group, kind, name, namespace, labels and spec.

import type { SourceDocument } from '../source-document.ts';

export const appMeshApiVersion = 'appmesh.k8s.aws/v1beta2';
export const appMeshGroup = 'appmesh.k8s.aws';

export interface K8sManifest {
  readonly doc: SourceDocument;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** The manifest's namespace, or the --namespace default; '' for the cluster-scoped Mesh. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: Record<string, unknown>;
}

export function isK8sManifest(value: object): boolean {
  return 'apiVersion' in value && 'kind' in value;
}

/** Reads a manifest's identity; a string naming the problem when metadata.name is missing. */
export function readManifest(doc: SourceDocument, defaultNamespace: string): K8sManifest | string {
  const value = doc.value as Record<string, unknown>;
  const metadata = (value.metadata ?? {}) as Record<string, unknown>;
  if (typeof metadata.name !== 'string' || metadata.name === '') return 'metadata.name is required';
  const kind = String(value.kind);
  const clusterScoped = kind === 'Mesh' || kind === 'Namespace';
  const namespace = clusterScoped
    ? ''
    : typeof metadata.namespace === 'string' && metadata.namespace !== ''
      ? metadata.namespace
      : defaultNamespace;
  const spec = value.spec;
  return {
    doc,
    apiVersion: String(value.apiVersion),
    kind,
    name: metadata.name,
    namespace,
    labels: (metadata.labels ?? {}) as Record<string, string>,
    spec: spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>) : {},
  };
}

/** `VirtualNode shop/cart-v1`, or `Mesh shop`. */
export function manifestLabel(manifest: K8sManifest): string {
  return `${manifest.kind} ${manifest.namespace ? `${manifest.namespace}/` : ''}${manifest.name}`;
}
