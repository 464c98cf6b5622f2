// The path part of envoy.config.route.v3.RouteMatch (prefix, exact path, safe_regex, path_separated_prefix).
import type { MatchRequest } from './match-request.ts';

export type PathMatchKind = 'prefix' | 'path' | 'regex' | 'separated_prefix';

export class PathMatcher {
  readonly kind: PathMatchKind;
  readonly value: string;
  readonly caseSensitive: boolean;
  readonly #needle: string;
  readonly #regex: RegExp | undefined;

  constructor(kind: PathMatchKind, value: string, caseSensitive: boolean, regex?: RegExp) {
    this.kind = kind;
    this.value = value;
    this.caseSensitive = caseSensitive;
    this.#needle = caseSensitive ? value : value.toLowerCase();
    this.#regex = regex;
  }

  matches(req: MatchRequest): boolean {
    switch (this.kind) {
      case 'prefix':
        return this.#fold(req.path).startsWith(this.#needle);
      case 'path':
        return this.#fold(req.pathOnly) === this.#needle;
      case 'regex':
        return this.#regex?.test(req.pathOnly) ?? false;
      case 'separated_prefix': {
        const p = this.#fold(req.pathOnly);
        return p === this.#needle || (p.startsWith(this.#needle) && p.charCodeAt(this.#needle.length) === 47);
      }
    }
  }

  #fold(s: string): string {
    return this.caseSensitive ? s : s.toLowerCase();
  }

  toJSON(): object {
    return { [this.kind]: this.value, case_sensitive: this.caseSensitive };
  }
}
