// Compiles Envoy safe_regex (RE2) patterns into anchored JavaScript RegExps once, at config time.

export type RegexResult = { ok: true; regex: RegExp } | { ok: false; message: string };

/**
 * RE2 and JavaScript agree on the syntax Envoy configs use in practice; a leading `(?i)` (RE2's whole-pattern
 * flag, which JavaScript lacks) becomes the `i` flag. `anchored` wraps the pattern for full-string matching.
 */
export function compileRegex(pattern: string, anchored: boolean): RegexResult {
  let source = pattern;
  let flags = '';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags = 'i';
  }
  try {
    return { ok: true, regex: new RegExp(anchored ? `^(?:${source})$` : source, flags) };
  } catch (cause) {
    return { ok: false, message: `invalid regex ${JSON.stringify(pattern)}: ${(cause as Error).message}` };
  }
}
