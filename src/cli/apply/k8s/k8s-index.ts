// Everything the manifests of one apply say about each other: App Mesh names, mesh membership (meshRef or
// namespace selectors), gateway membership, and the references between custom resources.

import { parseArn } from '../../../model/arn.ts';
import type { KindName } from '../../../model/resource-kinds.ts';
import { defaultAwsName, type AppMeshK8sKind } from './k8s-naming.ts';
import { type K8sManifest } from './k8s-manifest.ts';
import { matchesSelector, type LabelSelector } from './label-selector.ts';

/** Records a problem at a field of the manifest being converted. */
export type Report = (field: string, message: string) => void;

interface ObjectRef {
  readonly name?: unknown;
  readonly namespace?: unknown;
}

const refKinds: Readonly<Record<string, { k8s: AppMeshK8sKind; api: KindName }>> = {
  virtualNode: { k8s: 'VirtualNode', api: 'virtualNode' },
  virtualService: { k8s: 'VirtualService', api: 'virtualService' },
  virtualRouter: { k8s: 'VirtualRouter', api: 'virtualRouter' },
};

export class K8sIndex {
  private readonly manifests: readonly K8sManifest[];
  private readonly meshOverride: string | undefined;

  constructor(manifests: readonly K8sManifest[], meshOverride?: string) {
    this.manifests = manifests;
    this.meshOverride = meshOverride;
  }

  find(kind: AppMeshK8sKind, namespace: string, name: string): K8sManifest | undefined {
    return this.manifests.find(
      (m) => m.kind === kind && m.name === name && (kind === 'Mesh' || m.namespace === namespace),
    );
  }

  awsNameOf(manifest: K8sManifest): string {
    const awsName = manifest.spec.awsName;
    if (typeof awsName === 'string' && awsName !== '') return awsName;
    return defaultAwsName(manifest.kind as AppMeshK8sKind, manifest.name, manifest.namespace);
  }

  /** A namespace's labels: from a Namespace manifest in the files, plus the label Kubernetes sets on every one. */
  namespaceLabels(namespace: string): Record<string, string> {
    const declared = this.manifests.find((m) => m.kind === 'Namespace' && m.name === namespace);
    return { ...declared?.labels, 'kubernetes.io/metadata.name': namespace };
  }

  private ofKind(kind: AppMeshK8sKind): K8sManifest[] {
    return this.manifests.filter((m) => m.kind === kind);
  }

  /** The App Mesh name of the mesh a namespaced manifest belongs to. */
  meshOf(manifest: K8sManifest, report: Report): string {
    const meshRef = manifest.spec.meshRef as ObjectRef | undefined;
    if (meshRef !== undefined) {
      if (typeof meshRef?.name !== 'string') {
        report('spec.meshRef.name', 'must be a string');
        return '';
      }
      const mesh = this.find('Mesh', '', meshRef.name);
      return mesh ? this.awsNameOf(mesh) : meshRef.name;
    }
    if (this.meshOverride) return this.meshOverride;
    const meshes = this.ofKind('Mesh');
    const labels = this.namespaceLabels(manifest.namespace);
    const selecting = meshes.filter((mesh) => {
      const selector = mesh.spec.namespaceSelector as LabelSelector | undefined;
      // As the controller: an absent selector selects no namespace, an empty one selects all.
      return selector !== undefined && selector !== null && matchesSelector(selector, labels);
    });
    if (selecting.length === 1) return this.awsNameOf(selecting[0]!);
    if (selecting.length > 1) {
      report(
        'metadata.namespace',
        `namespace ${manifest.namespace} is selected by several meshes (${selecting.map((m) => m.name).join(', ')}); set spec.meshRef`,
      );
      return '';
    }
    if (meshes.length === 1) return this.awsNameOf(meshes[0]!);
    report(
      'spec.meshRef',
      `no Mesh in the files selects namespace ${manifest.namespace}; set spec.meshRef, label the namespace, or pass --mesh`,
    );
    return '';
  }

  /** The App Mesh name of the virtual gateway a GatewayRoute manifest belongs to. */
  gatewayOf(route: K8sManifest, meshName: string, report: Report): string {
    const ref = route.spec.virtualGatewayRef as ObjectRef | undefined;
    if (ref !== undefined)
      return this.refName('VirtualGateway', ref, route.namespace, 'spec.virtualGatewayRef', report);
    const inMesh = this.ofKind('VirtualGateway').filter(
      (gateway) => this.meshOf(gateway, () => {}) === meshName,
    );
    const namespaceLabels = this.namespaceLabels(route.namespace);
    const selecting = inMesh.filter((gateway) => {
      const namespaces = gateway.spec.namespaceSelector as LabelSelector | undefined;
      const routes = (gateway.spec.gatewayRouteSelector ?? {}) as LabelSelector;
      return (
        namespaces != null &&
        matchesSelector(namespaces, namespaceLabels) &&
        matchesSelector(routes, route.labels)
      );
    });
    const chosen = selecting.length > 0 ? selecting : inMesh;
    if (chosen.length === 1) return this.awsNameOf(chosen[0]!);
    report(
      'spec.virtualGatewayRef',
      chosen.length === 0
        ? `no VirtualGateway of mesh ${meshName} in the files; set spec.virtualGatewayRef`
        : `several VirtualGateways could hold it (${chosen.map((g) => g.name).join(', ')}); set spec.virtualGatewayRef`,
    );
    return '';
  }

  /** The App Mesh name a `{name, namespace?}` reference to a custom resource stands for. */
  refName(
    kind: AppMeshK8sKind,
    ref: ObjectRef,
    fromNamespace: string,
    field: string,
    report: Report,
  ): string {
    if (typeof ref?.name !== 'string' || ref.name === '') {
      report(`${field}.name`, 'is required');
      return '';
    }
    const namespace =
      typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : fromNamespace;
    const target = this.find(kind, namespace, ref.name);
    return target ? this.awsNameOf(target) : defaultAwsName(kind, ref.name, namespace);
  }

  /**
   * Resolves `<x>Ref` / `<x>ARN` (exactly one) in `holder` to the App Mesh name of the referenced resource;
   * `prefix` is `virtualNode`, `virtualService` or `virtualRouter`.
   */
  resolveTarget(
    holder: Record<string, unknown>,
    prefix: string,
    manifest: K8sManifest,
    meshName: string,
    field: string,
    report: Report,
  ): string {
    const kinds = refKinds[prefix]!;
    const ref = holder[`${prefix}Ref`] as ObjectRef | undefined;
    const arn = holder[`${prefix}ARN`];
    if ((ref === undefined) === (arn === undefined)) {
      report(field, `set exactly one of ${prefix}Ref and ${prefix}ARN`);
      return '';
    }
    if (ref !== undefined)
      return this.refName(kinds.k8s, ref, manifest.namespace, `${field}.${prefix}Ref`, report);
    const parsed = typeof arn === 'string' ? parseArn(arn) : undefined;
    if (!parsed || parsed.key.kind !== kinds.api) {
      report(`${field}.${prefix}ARN`, `is not the ARN of a ${kinds.k8s}`);
      return '';
    }
    if (meshName && parsed.key.meshName !== meshName) {
      report(`${field}.${prefix}ARN`, `points into mesh ${parsed.key.meshName}, not ${meshName}`);
      return '';
    }
    return parsed.key.name;
  }
}
