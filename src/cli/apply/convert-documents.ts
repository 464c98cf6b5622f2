// Tells each document's format (Kubernetes manifest, CloudFormation template, App Mesh CLI input) and hands it
// to its converter.

import type { ApplyProblem } from './apply-problem.ts';
import {
  convertCfnTemplate,
  isCloudFormationTemplate,
  type CfnOptions,
  type RegistryEntry,
} from './cfn/convert-cfn.ts';
import { convertCliInput, isCliInput } from './cli-input/convert-cli-input.ts';
import { mergeConversions, type Conversion } from './desired-resource.ts';
import { convertK8sManifests } from './k8s/convert-k8s.ts';
import { isK8sManifest } from './k8s/k8s-manifest.ts';
import type { FieldValidation } from './k8s/prune-unknown-fields.ts';
import type { SourceDocument } from './source-document.ts';

export interface ConvertOptions extends CfnOptions {
  readonly namespace: string;
  readonly meshName?: string;
  /** Unknown fields of Kubernetes manifests (CloudFormation always refuses them, as CloudFormation does). */
  readonly validation?: FieldValidation;
}

/**
 * What the documents convert to, the unknown fields dropped on the way (one warning each), and the registry
 * namespaces and services that CloudFormation's Cloud Map resources stand for.
 */
export interface DocumentsConversion extends Conversion {
  readonly warnings: readonly ApplyProblem[];
  readonly registry: readonly RegistryEntry[];
}

export function convertDocuments(
  documents: readonly SourceDocument[],
  options: ConvertOptions,
): DocumentsConversion {
  const parts: Conversion[] = [];
  const manifests: SourceDocument[] = [];
  const problems: ApplyProblem[] = [];
  const registry: RegistryEntry[] = [];
  for (const doc of documents) {
    const value = doc.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({
        origin: doc.origin,
        message: 'must be a mapping (a manifest, a template or CLI input)',
      });
    } else if (isK8sManifest(value)) {
      manifests.push(doc);
    } else if (isCloudFormationTemplate(value)) {
      const template = convertCfnTemplate(doc, options);
      parts.push(template);
      registry.push(...template.registry);
    } else if (isCliInput(value)) {
      parts.push(convertCliInput(doc));
    } else {
      problems.push({
        origin: doc.origin,
        message:
          'cannot tell the format: expected a Kubernetes manifest (apiVersion, kind), a CloudFormation template (Resources) or App Mesh CLI input (meshName, …)',
      });
    }
  }
  const k8s = convertK8sManifests(manifests, options);
  parts.push(k8s, { resources: [], notes: [], problems });
  return { ...mergeConversions(parts), warnings: k8s.warnings, registry };
}
