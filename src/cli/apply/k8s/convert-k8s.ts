// Kubernetes manifests of the App Mesh controller (appmesh.k8s.aws/v1beta2) into App Mesh resources, with the
// controller's naming rules; other kinds (Namespace, Deployment, Service, …) are skipped with a note.

import { resourceKey, type ResourceKey } from '../../../model/resource-key.ts';
import type { ApplyProblem } from '../apply-problem.ts';
import type { Conversion, DesiredResource } from '../desired-resource.ts';
import type { SourceDocument } from '../source-document.ts';
import { K8sIndex } from './k8s-index.ts';
import {
  appMeshApiVersion,
  appMeshGroup,
  manifestLabel,
  readManifest,
  type K8sManifest,
} from './k8s-manifest.ts';
import { isAppMeshK8sKind } from './k8s-naming.ts';
import { pruneUnknownFields, type FieldValidation } from './prune-unknown-fields.ts';
import {
  switchyardApiVersion,
  switchyardGroup,
  switchyardK8sKinds,
  trafficPermissionSpec,
} from './traffic-permission-spec.ts';
import {
  embeddedRoutes,
  gatewayRouteSpec,
  meshSpec,
  virtualGatewaySpec,
  virtualNodeSpec,
  virtualRouterSpec,
  virtualServiceSpec,
  type SpecContext,
} from './k8s-spec.ts';

export interface K8sOptions {
  /** Namespace of manifests that name none (kubectl's default namespace). */
  readonly namespace: string;
  /** Mesh for namespaced resources without spec.meshRef, instead of namespace selectors. */
  readonly meshName?: string;
  /** What to do with fields the CRDs do not have (kubectl's `--validate`); `warn` when absent. */
  readonly validation?: FieldValidation;
}

/** A conversion plus the unknown fields that were dropped, one warning each. */
export interface K8sConversion extends Conversion {
  readonly warnings: ApplyProblem[];
}

/** API field paths back in the CRD's spelling (`certificateArn` → `certificateARN`). */
function crdPath(apiPath: string): string {
  return apiPath.replace(/Arn(s?)\b/g, 'ARN$1');
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

export function convertK8sManifests(docs: readonly SourceDocument[], options: K8sOptions): K8sConversion {
  const validation = options.validation ?? 'warn';
  const problems: ApplyProblem[] = [];
  const warnings: ApplyProblem[] = [];
  const notes: string[] = [];
  const resources: DesiredResource[] = [];
  const manifests: K8sManifest[] = [];
  for (const doc of docs) {
    const manifest = readManifest(doc, options.namespace);
    if (typeof manifest === 'string')
      problems.push({ origin: doc.origin, field: 'metadata.name', message: 'is required' });
    else manifests.push(manifest);
  }
  const appMesh: K8sManifest[] = [];
  for (const manifest of manifests) {
    const origin = manifest.doc.origin;
    if (groupOf(manifest.apiVersion) === switchyardGroup) {
      if (manifest.apiVersion !== switchyardApiVersion) {
        const message = `${manifest.apiVersion} is not supported; use ${switchyardApiVersion}`;
        problems.push({ origin, field: 'apiVersion', message });
      } else if (!switchyardK8sKinds.includes(manifest.kind)) {
        const message = `unknown kind ${manifest.kind} in ${switchyardApiVersion}`;
        problems.push({ origin, field: 'kind', message });
      } else {
        appMesh.push(manifest);
      }
    } else if (groupOf(manifest.apiVersion) !== appMeshGroup) {
      notes.push(
        `${origin.file}, document ${origin.document}: skipped ${manifest.apiVersion} ${manifestLabel(manifest)}: not an App Mesh resource`,
      );
    } else if (manifest.apiVersion !== appMeshApiVersion) {
      problems.push({
        origin,
        field: 'apiVersion',
        message: `${manifest.apiVersion} is not supported; use ${appMeshApiVersion}`,
      });
    } else if (!isAppMeshK8sKind(manifest.kind)) {
      problems.push({
        origin,
        field: 'kind',
        message: `unknown kind ${manifest.kind} in ${appMeshApiVersion}`,
      });
    } else {
      appMesh.push(manifest);
    }
  }
  const others = manifests.filter(
    (manifest) => ![appMeshGroup, switchyardGroup].includes(groupOf(manifest.apiVersion)),
  );
  const index = new K8sIndex([...appMesh, ...others], options.meshName);
  for (const manifest of appMesh) {
    const label = manifestLabel(manifest);
    const origin = manifest.doc.origin;
    const found: ApplyProblem[] = [];
    const report = (field: string, message: string) =>
      found.push({ origin, resource: label, field, message });
    const emit = (
      key: ResourceKey,
      spec: Record<string, unknown>,
      sourcePath: (p: string) => string,
      name = label,
    ) => {
      // With `strict`, unknown fields stay in the spec for validation to refuse, naming each.
      const pruned = validation === 'strict' ? { spec, removed: [] } : pruneUnknownFields(key.kind, spec);
      for (const path of validation === 'warn' ? pruned.removed : []) {
        warnings.push({
          origin,
          resource: name,
          field: sourcePath(path),
          message: 'unknown field, dropped (--validate=strict refuses it)',
        });
      }
      resources.push({ key, spec: pruned.spec, tags: undefined, origin, label: name, sourcePath });
    };
    const awsName = index.awsNameOf(manifest);
    const pending: (() => void)[] = [];
    if (manifest.kind === 'Mesh') {
      const spec = meshSpec(manifest);
      pending.push(() =>
        emit(resourceKey('mesh', awsName, awsName), spec, (p) =>
          crdPath(p.replace(/^spec\.serviceDiscovery/, 'spec.meshServiceDiscovery')),
        ),
      );
    } else if (manifest.kind !== 'BackendGroup') {
      const meshName = index.meshOf(manifest, report);
      const ctx: SpecContext = { index, manifest, meshName, report };
      switch (manifest.kind) {
        case 'VirtualNode': {
          const spec = virtualNodeSpec(ctx);
          pending.push(() => emit(resourceKey('virtualNode', meshName, awsName), spec, crdPath));
          break;
        }
        case 'VirtualService': {
          const spec = virtualServiceSpec(ctx);
          pending.push(() => emit(resourceKey('virtualService', meshName, awsName), spec, crdPath));
          break;
        }
        case 'VirtualRouter': {
          const spec = virtualRouterSpec(ctx);
          const routes = embeddedRoutes(ctx);
          pending.push(() => emit(resourceKey('virtualRouter', meshName, awsName), spec, crdPath));
          for (const route of routes) {
            const path = (p: string) => crdPath(p.replace(/^spec/, `spec.routes[${route.index}]`));
            const key = resourceKey('route', meshName, route.name, awsName);
            pending.push(() => emit(key, route.spec, path, `${label}, route ${route.name}`));
          }
          break;
        }
        case 'VirtualGateway': {
          const spec = virtualGatewaySpec(ctx);
          pending.push(() => emit(resourceKey('virtualGateway', meshName, awsName), spec, crdPath));
          break;
        }
        case 'TrafficPermission': {
          const spec = trafficPermissionSpec(ctx);
          const key = resourceKey('trafficPermission', meshName, awsName);
          pending.push(() => emit(key, spec, (p) => p));
          break;
        }
        case 'GatewayRoute': {
          const gateway = meshName ? index.gatewayOf(manifest, meshName, report) : '';
          const spec = gatewayRouteSpec(ctx);
          pending.push(() => emit(resourceKey('gatewayRoute', meshName, awsName, gateway), spec, crdPath));
          break;
        }
      }
    }
    // A manifest whose references cannot be resolved yields no resource, so its problems do not cascade.
    if (found.length > 0) problems.push(...found);
    else for (const add of pending) add();
  }
  return { resources, notes, problems, warnings };
}
