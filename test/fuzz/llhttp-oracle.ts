// The reference side of the differential codec tests: Node's own llhttp, driven exactly as node:http drives it
// (its HTTPParser binding, strict: no lenient flags, node:http's head size limit), with node:http's server and
// client rules on top (Host required, CONNECT taken away, 1xx skipped, headers joined by IncomingMessage).
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';

/** One message as a parser saw it. */
export interface ParsedMessage {
  /** Requests: `METHOD target`; responses: the status code. */
  readonly start: string;
  readonly headers: Record<string, string | string[]>;
  readonly body: string;
}

/** What one connection's bytes came to: the messages parsed whole, then how the input ended. */
export interface Outcome {
  readonly messages: ParsedMessage[];
  /** `error`: refused; `incomplete`: a message was cut short by the end of input; `clean`: nothing left over. */
  readonly end: 'clean' | 'incomplete' | 'error';
  /** The refusal's reason, for reports. */
  readonly reason: string;
}

/** Headers without a prototype, as plain sorted entries, so both sides compare equal. */
export function plainHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of Object.keys(headers).sort()) {
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

interface NodeParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | (Error & { code?: string });
  finish(): undefined | (Error & { code?: string });
  close(): void;
  [callback: number]: unknown;
}

interface HttpParserClass {
  new (): NodeParser;
  readonly REQUEST: number;
  readonly RESPONSE: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
  readonly kLenientNone: number;
}

const internal = createRequire(import.meta.url)('_http_common') as {
  HTTPParser: HttpParserClass;
  methods: string[];
};
const { HTTPParser, methods } = internal;

/** node:http's own header joining (set-cookie list, cookie with `; `, first-wins fields, `, ` for the rest). */
function nodeHeaders(raw: string[]): Record<string, string | string[]> {
  const message = new http.IncomingMessage(null as never) as http.IncomingMessage & {
    _addHeaderLines(headers: string[], n: number): void;
  };
  message._addHeaderLines(raw, raw.length);
  return plainHeaders(message.headers);
}

type HeadHandler = (info: {
  minor: number;
  raw: string[];
  method: string;
  url: string;
  status: number;
  keepAlive: boolean;
}) => number | 'stop';

/** Runs llhttp over `wire`; `onHead` decides per message (1: no body follows, 'stop': the rest is not parsed). */
function runParser(type: number, wire: Buffer, onHead: HeadHandler, stopAfterFirst: boolean): Outcome {
  const parser = new HTTPParser();
  parser.initialize(type, {}, http.maxHeaderSize, HTTPParser.kLenientNone);
  const messages: ParsedMessage[] = [];
  let current:
    { start: string; headers: Record<string, string | string[]>; body: Buffer[]; skip: boolean } | undefined;
  // llhttp hands long heads over in pieces (kOnHeaders) before kOnHeadersComplete; trailers arrive the same way.
  let raw: string[] = [];
  let rawUrl = '';
  let stopped: Outcome | undefined;
  let keepAlive = true;
  parser[HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
    raw = raw.concat(headers);
    rawUrl += url;
  };
  parser[HTTPParser.kOnHeadersComplete] = (
    _major: number,
    minor: number,
    headers: string[] | undefined,
    method: number | undefined,
    url: string | undefined,
    status: number | undefined,
    _statusMessage: string | undefined,
    _upgrade: boolean,
    shouldKeepAlive: boolean,
  ): number => {
    const all = headers ?? raw;
    const fullUrl = url ?? rawUrl;
    raw = [];
    rawUrl = '';
    keepAlive = shouldKeepAlive;
    const info = {
      minor,
      raw: all,
      method: method === undefined ? '' : (methods[method] ?? ''),
      url: fullUrl,
      status: status ?? 0,
      keepAlive: shouldKeepAlive,
    };
    const verdict = onHead(info);
    if (verdict === 'stop') {
      stopped ??= { messages: [...messages], end: 'error', reason: 'refused by node:http' };
      return 1;
    }
    current = {
      start: type === HTTPParser.REQUEST ? `${info.method} ${info.url}` : String(info.status),
      headers: nodeHeaders(all),
      body: [],
      skip: info.status >= 100 && info.status < 200,
    };
    return verdict;
  };
  parser[HTTPParser.kOnBody] = (chunk: Buffer) => current?.body.push(Buffer.from(chunk));
  parser[HTTPParser.kOnMessageComplete] = () => {
    if (current !== undefined && !current.skip && stopped === undefined)
      messages.push({
        start: current.start,
        headers: current.headers,
        body: Buffer.concat(current.body).toString('latin1'),
      });
    current = undefined;
    raw = [];
    rawUrl = '';
  };
  try {
    const result = parser.execute(wire);
    if (stopped !== undefined) return stopped;
    // The client reads one response; what follows it on the connection is not this response's business.
    if (stopAfterFirst && messages.length > 0)
      return { messages: messages.slice(0, 1), end: 'clean', reason: '' };
    if (result instanceof Error) {
      // node:http stops reading after `Connection: close` (and HTTP/1.0 without keep-alive): the rest is ignored.
      if (result.code === 'HPE_CLOSED_CONNECTION') return { messages, end: 'clean', reason: '' };
      return { messages, end: 'error', reason: result.code ?? result.message };
    }
    if (!keepAlive && messages.length > 0 && current === undefined && type === HTTPParser.REQUEST)
      return { messages, end: 'clean', reason: '' };
    const finished = parser.finish();
    if (stopped !== undefined) return stopped;
    if (stopAfterFirst && messages.length > 0)
      return { messages: messages.slice(0, 1), end: 'clean', reason: '' };
    if (finished instanceof Error) {
      const code = finished.code ?? finished.message;
      return { messages, end: code === 'HPE_INVALID_EOF_STATE' ? 'incomplete' : 'error', reason: code };
    }
    return { messages, end: 'clean', reason: '' };
  } finally {
    parser.close();
  }
}

/** What a node:http server (requireHostHeader, no insecureHTTPParser) makes of one connection's bytes. */
export function parseRequestsWithNode(wire: Buffer): Outcome {
  let refusal = '';
  const outcome = runParser(
    HTTPParser.REQUEST,
    wire,
    (head) => {
      // node:http answers 400 to an HTTP/1.1 request without Host, and hands CONNECT to its 'connect' event.
      if (head.method === 'CONNECT') refusal = 'CONNECT';
      else if (head.minor === 1 && !head.raw.some((v, i) => i % 2 === 0 && v.toLowerCase() === 'host'))
        refusal = 'missing host';
      return refusal === '' ? 0 : 'stop';
    },
    false,
  );
  return refusal === '' ? outcome : { ...outcome, reason: refusal };
}

/** What node:http's client makes of the response to a GET, read until the connection closes. */
export function parseResponseWithNode(wire: Buffer): Outcome {
  // 1xx answers other than 101 are skipped (no body); the final one is the response.
  const outcome = runParser(
    HTTPParser.RESPONSE,
    wire,
    (head) => (head.status >= 100 && head.status < 200 ? 1 : 0),
    true,
  );
  // A connection closed before any response is node:http's 'socket hang up', not a parse error.
  if (outcome.messages.length === 0 && outcome.end === 'clean') return { ...outcome, end: 'incomplete' };
  return outcome;
}
