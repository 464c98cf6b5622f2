// Trace context on the wire: W3C trace context, B3 (single and multi header) and AWS X-Ray's X-Amzn-Trace-Id,
// read from a downstream request and written on the upstream one. A malformed header is ignored (a new trace
// starts), as each spec asks; every header is length-capped before it is parsed.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Bits of `TraceParent.formats`: which formats the request carried a valid context in. */
export const formatW3c = 1;
export const formatB3Single = 2;
export const formatB3Multi = 4;
export const formatAws = 8;

/** The caller's trace context, as the highest-precedence valid header gave it. */
export interface TraceParent {
  /** 32 lowercase hex digits (a 64-bit B3 id is left-padded with zeros). */
  readonly traceId: string;
  /** The caller's span: 16 lowercase hex digits. */
  readonly spanId: string;
  /** The caller's decision; undefined when it deferred it (B3 without a flag, AWS without `Sampled`). */
  readonly sampled: boolean | undefined;
  /** W3C tracestate, '' when absent. */
  readonly traceState: string;
  /** Every format the request carried a valid context in (they are all written back upstream). */
  readonly formats: number;
}

/** What a request carried: a context, or (B3's lone `b3: 0`: traceId '') only a decision not to sample. */
export type ExtractedTrace = TraceParent | undefined;

const denyOnly: TraceParent = { traceId: '', spanId: '', sampled: false, traceState: '', formats: 0 };

/** W3C: a vendor may truncate tracestate beyond 512 characters; longer values are cut at an entry boundary. */
const maxTraceStateChars = 512;
/** Longer than any valid value of the format (future traceparent versions may append fields). */
const maxTraceParentChars = 256;
const maxB3Chars = 128;
const maxAwsChars = 1024;

const traceParentPattern = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const zeroTraceId = '00000000000000000000000000000000';
const zeroSpanId = '0000000000000000';
const hex16or32 = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;
const hex16 = /^[0-9a-f]{16}$/;

function single(value: string | string[] | undefined, maxChars: number): string | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  return value.length > maxChars ? undefined : value;
}

/** W3C trace-context §3.2: version ff and all-zero ids are invalid; version 00 has exactly four fields. */
function fromTraceParent(headers: IncomingHttpHeaders): TraceParent | undefined {
  const value = single(headers.traceparent, maxTraceParentChars);
  if (value === undefined) return undefined;
  const m = traceParentPattern.exec(value.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === zeroTraceId || spanId === zeroSpanId) return undefined;
  return {
    traceId,
    spanId,
    sampled: (parseInt(flags, 16) & 1) === 1,
    traceState: traceStateOf(headers.tracestate),
    formats: formatW3c,
  };
}

/** Several tracestate headers join with commas; too long a value keeps its leading entries that fit. */
function traceStateOf(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  const joined = (Array.isArray(value) ? value.join(',') : value).trim();
  if (joined.length <= maxTraceStateChars) return joined;
  let kept = '';
  for (const entry of joined.split(',')) {
    const e = entry.trim();
    if (e === '') continue;
    const next = kept === '' ? e : `${kept},${e}`;
    if (next.length > maxTraceStateChars) break;
    kept = next;
  }
  return kept;
}

function padTraceId(id: string): string {
  return id.length === 16 ? `0000000000000000${id}` : id;
}

function b3Sampled(flag: string | undefined): boolean | undefined | null {
  switch (flag) {
    case undefined:
      return undefined;
    case '1':
    case 'd':
    case 'true':
      return true;
    case '0':
    case 'false':
      return false;
    default:
      return null;
  }
}

/** `b3: {traceid}-{spanid}[-{sampled}[-{parentspanid}]]`, or a lone decision (`0`, `1`, `d`). */
function fromB3Single(headers: IncomingHttpHeaders): ExtractedTrace {
  const value = single(headers.b3, maxB3Chars)?.trim().toLowerCase();
  if (value === undefined) return undefined;
  if (value === '0') return denyOnly;
  const parts = value.split('-');
  if (parts.length < 2 || parts.length > 4) return undefined;
  const [traceId, spanId, flag, parentSpanId] = parts as [string, string, string?, string?];
  if (!hex16or32.test(traceId) || !hex16.test(spanId)) return undefined;
  if (parentSpanId !== undefined && !hex16.test(parentSpanId)) return undefined;
  const sampled = b3Sampled(flag);
  if (sampled === null) return undefined;
  const id = padTraceId(traceId);
  if (id === zeroTraceId || spanId === zeroSpanId) return undefined;
  return { traceId: id, spanId, sampled, traceState: '', formats: formatB3Single };
}

function fromB3Multi(headers: IncomingHttpHeaders): TraceParent | undefined {
  const traceId = single(headers['x-b3-traceid'], maxB3Chars)?.trim().toLowerCase();
  const spanId = single(headers['x-b3-spanid'], maxB3Chars)?.trim().toLowerCase();
  if (traceId === undefined || spanId === undefined) return undefined;
  if (!hex16or32.test(traceId) || !hex16.test(spanId)) return undefined;
  const id = padTraceId(traceId);
  if (id === zeroTraceId || spanId === zeroSpanId) return undefined;
  // Debug (x-b3-flags: 1) implies an accept decision.
  const debug = single(headers['x-b3-flags'], maxB3Chars)?.trim() === '1';
  const sampled = debug ? true : b3Sampled(single(headers['x-b3-sampled'], maxB3Chars)?.trim().toLowerCase());
  if (sampled === null) return undefined;
  return { traceId: id, spanId, sampled, traceState: '', formats: formatB3Multi };
}

/** `X-Amzn-Trace-Id: Root=1-{8 hex epoch}-{24 hex};Parent={16 hex};Sampled={0|1|?}` (fields in any order). */
function fromAws(headers: IncomingHttpHeaders): TraceParent | undefined {
  const value = single(headers['x-amzn-trace-id'], maxAwsChars);
  if (value === undefined) return undefined;
  let root: string | undefined;
  let parent: string | undefined;
  let sampled: boolean | undefined;
  for (const field of value.split(';')) {
    const eq = field.indexOf('=');
    if (eq < 0) continue;
    const key = field.slice(0, eq).trim().toLowerCase();
    const v = field
      .slice(eq + 1)
      .trim()
      .toLowerCase();
    if (key === 'root') root = v;
    else if (key === 'parent') parent = v;
    else if (key === 'sampled') sampled = v === '1' ? true : v === '0' ? false : undefined;
  }
  const m = root === undefined ? null : /^1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(root);
  if (!m || parent === undefined || !hex16.test(parent)) return undefined;
  const traceId = m[1]! + m[2]!;
  if (traceId === zeroTraceId || parent === zeroSpanId) return undefined;
  return { traceId, spanId: parent, sampled, traceState: '', formats: formatAws };
}

/**
 * The trace context of a downstream request. Precedence when several formats are present: W3C traceparent,
 * B3 single, B3 multi, X-Amzn-Trace-Id; the context comes from the first valid one and `formats` names every
 * valid one, so each is written back upstream carrying that context.
 */
export function extractTrace(headers: IncomingHttpHeaders): ExtractedTrace {
  // The common case in a mesh (only W3C, or nothing at all) costs one or four property reads.
  const w3c = headers.traceparent === undefined ? undefined : fromTraceParent(headers);
  const hasOthers =
    headers.b3 !== undefined ||
    headers['x-b3-traceid'] !== undefined ||
    headers['x-amzn-trace-id'] !== undefined;
  if (!hasOthers) return w3c;
  const b3 = fromB3Single(headers);
  const multi = fromB3Multi(headers);
  const aws = fromAws(headers);
  const first = w3c ?? (b3?.traceId === '' ? undefined : b3) ?? multi ?? aws;
  if (first === undefined) return b3; // `b3: 0` alone, or nothing valid
  let formats = 0;
  for (const candidate of [w3c, b3, multi, aws])
    if (candidate && candidate.traceId !== '') formats |= candidate.formats;
  return { ...first, formats };
}

/** This hop's context, as written on an upstream request. */
export interface OutgoingTrace {
  readonly traceId: string;
  /** The span the upstream's spans are children of. */
  readonly spanId: string;
  /** The span `spanId` is a child of (B3 multi's x-b3-parentspanid), '' for none. */
  readonly parentSpanId: string;
  readonly sampled: boolean;
  readonly traceState: string;
}

/** Writes W3C trace context always, and every other format in `formats`, replacing what the request carried. */
export function injectTrace(headers: OutgoingHttpHeaders, trace: OutgoingTrace, formats: number): void {
  const flag = trace.sampled ? '1' : '0';
  headers.traceparent = `00-${trace.traceId}-${trace.spanId}-0${flag}`;
  if (trace.traceState !== '') headers.tracestate = trace.traceState;
  else delete headers.tracestate;
  if ((formats & formatB3Single) !== 0) headers.b3 = `${trace.traceId}-${trace.spanId}-${flag}`;
  if ((formats & formatB3Multi) !== 0) {
    headers['x-b3-traceid'] = trace.traceId;
    headers['x-b3-spanid'] = trace.spanId;
    headers['x-b3-sampled'] = flag;
    if (trace.parentSpanId !== '') headers['x-b3-parentspanid'] = trace.parentSpanId;
    else delete headers['x-b3-parentspanid'];
    delete headers['x-b3-flags'];
  }
  if ((formats & formatAws) !== 0) headers['x-amzn-trace-id'] = awsHeader(headers['x-amzn-trace-id'], trace);
}

/** Root, Parent and Sampled rewritten; other fields the caller sent (Lineage, app data) kept, `Self` dropped. */
function awsHeader(previous: OutgoingHttpHeaders[string], trace: OutgoingTrace): string {
  const t = trace.traceId;
  let out = `Root=1-${t.slice(0, 8)}-${t.slice(8)};Parent=${trace.spanId};Sampled=${trace.sampled ? 1 : 0}`;
  if (typeof previous !== 'string') return out;
  for (const field of previous.split(';')) {
    const key = field
      .slice(0, Math.max(0, field.indexOf('=')))
      .trim()
      .toLowerCase();
    if (key === '' || key === 'root' || key === 'parent' || key === 'sampled' || key === 'self') continue;
    out += `;${field.trim()}`;
  }
  return out;
}
