// The template's Conditions section: each condition evaluated once, on first use, to true or false.

import { CfnError, resolveIntrinsics, type CfnResolver } from './cfn-intrinsics.ts';

/** Evaluates named conditions with `resolver` (which answers Ref, Fn::FindInMap… inside them). */
export class CfnConditions {
  private readonly declared: Readonly<Record<string, unknown>>;
  private readonly values = new Map<string, boolean>();
  private readonly evaluating = new Set<string>();

  /** `declared` is the template's Conditions member (absent, or a map of name → condition function). */
  constructor(declared: unknown) {
    if (declared === undefined) this.declared = {};
    else if (declared === null || typeof declared !== 'object' || Array.isArray(declared))
      throw new CfnError('Conditions', 'must be a map of conditions');
    else this.declared = declared as Record<string, unknown>;
  }

  names(): string[] {
    return Object.keys(this.declared);
  }

  /** The value of condition `name`; `path` is where it is used, for the error when there is none. */
  evaluate(name: string, resolver: CfnResolver, path: string): boolean {
    const known = this.values.get(name);
    if (known !== undefined) return known;
    if (!Object.hasOwn(this.declared, name))
      throw new CfnError(path, `condition ${name} is not declared in Conditions`);
    const where = `Conditions.${name}`;
    if (this.evaluating.has(name)) throw new CfnError(where, `condition ${name} depends on itself`);
    this.evaluating.add(name);
    try {
      const value = resolveIntrinsics(this.declared[name], resolver, where);
      if (typeof value !== 'boolean') {
        throw new CfnError(
          where,
          'must be a condition function (Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition)',
        );
      }
      this.values.set(name, value);
      return value;
    } finally {
      this.evaluating.delete(name);
    }
  }
}
