// A resource as the applied files want it, in App Mesh API terms, whatever format it was written in.

import type { ResourceKey } from '../../model/resource-key.ts';
import type { TagRef } from '../resource-api.ts';
import type { ApplyProblem } from './apply-problem.ts';
import type { DocumentOrigin } from './source-document.ts';

export interface DesiredResource {
  readonly key: ResourceKey;
  readonly spec: Record<string, unknown>;
  /** The full tag set; undefined when the source format does not manage tags (Kubernetes manifests). */
  readonly tags: readonly TagRef[] | undefined;
  readonly origin: DocumentOrigin;
  /** The resource as its source names it, for messages. */
  readonly label: string;
  /** Turns an API field path (`spec.listeners[0].tls`) into the source's own spelling. */
  readonly sourcePath: (apiPath: string) => string;
}

/** What a converter makes of its documents. */
export interface Conversion {
  readonly resources: DesiredResource[];
  /** One line per document or resource that was skipped on purpose. */
  readonly notes: string[];
  readonly problems: ApplyProblem[];
}

export function emptyConversion(): Conversion {
  return { resources: [], notes: [], problems: [] };
}

export function mergeConversions(parts: readonly Conversion[]): Conversion {
  return {
    resources: parts.flatMap((part) => part.resources),
    notes: parts.flatMap((part) => part.notes),
    problems: parts.flatMap((part) => part.problems),
  };
}
