// A reason `apply` refuses its input: names the file, the document, the resource and the field.

import type { DocumentOrigin } from './source-document.ts';

export interface ApplyProblem {
  readonly origin: DocumentOrigin;
  /** The resource as its source names it, e.g. `VirtualNode shop/cart-v1` or `Resources.CartNode`. */
  readonly resource?: string;
  readonly field?: string;
  readonly message: string;
}

export function formatOrigin(origin: DocumentOrigin): string {
  return origin.document === undefined ? origin.file : `${origin.file}, document ${origin.document}`;
}

export function formatProblem(problem: ApplyProblem): string {
  const resource = problem.resource ? ` (${problem.resource})` : '';
  const field = problem.field ? `${problem.field}: ` : '';
  return `${formatOrigin(problem.origin)}${resource}: ${field}${problem.message}`;
}

/** Problems in reading order: by file as given, then by document. */
export function sortProblems(problems: readonly ApplyProblem[]): ApplyProblem[] {
  const files = [...new Set(problems.map((p) => p.origin.file))];
  return [...problems].sort(
    (a, b) =>
      files.indexOf(a.origin.file) - files.indexOf(b.origin.file) ||
      (a.origin.document ?? 0) - (b.origin.document ?? 0),
  );
}
