// Request path normalization before routing, as Envoy's HCM normalize_path and merge_slashes do it: RFC 3986
// dot-segment removal and percent-decoding of unreserved characters, then merging of adjacent slashes.

/** Which normalizations a listener's HTTP connection manager asks for. */
export interface PathNormalization {
  /** RFC 3986 §6.2.2: decode %XX of unreserved characters, remove `.` and `..` segments (`\` counts as `/`). */
  readonly normalizePath: boolean;
  /** `//a///b` → `/a/b` (not RFC 3986; Envoy's convenience). */
  readonly mergeSlashes: boolean;
}

export const noPathNormalization: PathNormalization = { normalizePath: false, mergeSlashes: false };

/** A path that cannot be normalized (Envoy answers 400, `path_normalization_failed`). */
export class InvalidPathError extends Error {
  override readonly name = 'InvalidPathError';
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~". */
function isUnreserved(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 45 ||
    c === 46 ||
    c === 95 ||
    c === 126
  );
}

/**
 * Decodes %XX escapes of unreserved characters in `segment`; every other escape keeps its spelling (`%2F` and
 * `%2f` stay as they are: Envoy's path_with_escaped_slashes_action default, KEEP_UNCHANGED). `%00` is refused as
 * Envoy refuses it; a `%` without two hex digits after it is kept as a literal.
 */
function decodeUnreserved(segment: string): string {
  let out = '';
  let from = 0;
  let pct = segment.indexOf('%');
  while (pct >= 0) {
    const hi = hexValue(segment.charCodeAt(pct + 1));
    const lo = hexValue(segment.charCodeAt(pct + 2));
    if (hi >= 0 && lo >= 0) {
      const c = hi * 16 + lo;
      if (c === 0) throw new InvalidPathError('escaped NUL in path');
      if (isUnreserved(c)) {
        out += segment.slice(from, pct) + String.fromCharCode(c);
        from = pct + 3;
      }
    }
    pct = segment.indexOf('%', pct + 1);
  }
  return from === 0 ? segment : out + segment.slice(from);
}

/** RFC 3986 §5.2.4 on an absolute path whose `\` are already `/`: `..` above the root stays at the root. */
function removeDotSegments(path: string): string {
  const input = path.split('/');
  const output: string[] = [];
  // input[0] is the empty string before the leading '/'.
  for (let i = 1; i < input.length; i++) {
    const segment = decodeUnreserved(input[i]!);
    const last = i === input.length - 1;
    // `..;x=y` is a `..` to servers that drop path parameters (Tomcat): Envoy strips them from dot segments.
    const semi = segment.indexOf(';');
    const dots = semi < 0 ? segment : segment.slice(0, semi);
    if (dots === '.' || dots === '..') {
      if (dots === '..' && output.length > 0) output.pop();
      // A final `.` or `..` still leaves the path ending in a directory.
      if (last) output.push('');
      continue;
    }
    output.push(segment);
  }
  return `/${output.join('/')}`;
}

/** Only what could change is looked at: most paths have no `%`, `\`, `/.` or `//`, and are returned as they are. */
function needsWork(path: string, options: PathNormalization): boolean {
  if (options.normalizePath && (path.includes('%') || path.includes('\\') || path.includes('/.')))
    return true;
  return options.mergeSlashes && path.includes('//');
}

/**
 * The path (`pathOnly`, no query) as Envoy routes and forwards it under `options`. Throws InvalidPathError when
 * it cannot be normalized. A target that is not an absolute path (`*`) is left alone.
 */
export function normalizePath(path: string, options: PathNormalization): string {
  if (path.charCodeAt(0) !== 47 /* '/' */ || !needsWork(path, options)) return path;
  let out = path;
  if (options.normalizePath) out = removeDotSegments(out.replaceAll('\\', '/'));
  if (options.mergeSlashes) out = out.replace(/\/{2,}/g, '/');
  return out;
}
