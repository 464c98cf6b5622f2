// Our side of the differential codec tests: the listener's request parser and the upstream response parser fed
// the same bytes as llhttp, in pieces of the given sizes, reporting an Outcome of the same shape.
import { Http1ParseError } from '../../src/proxy/http1/http1-fields.ts';
import { Http1RequestParser } from '../../src/proxy/http1/http1-request-parser.ts';
import { Http1ResponseParser } from '../../src/proxy/upstream/http1-response-parser.ts';
import { plainHeaders, type Outcome, type ParsedMessage } from './llhttp-oracle.ts';

/** `wire` cut into pieces whose sizes cycle through `sizes` (the last piece takes what is left). */
export function pieces(wire: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  for (let k = 0; i < wire.length; k++) {
    const size = Math.max(1, sizes[k % sizes.length] ?? wire.length);
    out.push(wire.subarray(i, i + size));
    i += size;
  }
  return out;
}

function failure(messages: ParsedMessage[], error: unknown): Outcome {
  // Anything but a parse error is a bug in the parser, and the fuzz test reports it as one.
  if (!(error instanceof Http1ParseError)) throw error;
  return { messages, end: 'error', reason: error.message };
}

/** What our listener makes of one connection's bytes: requests in order, then how the input ended. */
export function parseRequestsWithOurs(wire: Buffer, sizes: readonly number[] = [wire.length]): Outcome {
  const messages: ParsedMessage[] = [];
  let start = '';
  let headers: Record<string, string | string[]> = {};
  let body: Buffer[] = [];
  let keepAlive = true;
  let connect = false;
  const parser = new Http1RequestParser({
    onHead: (head) => {
      start = `${head.method} ${head.target}`;
      headers = plainHeaders(head.headers);
      body = [];
      keepAlive = head.keepAlive;
      connect = head.method === 'CONNECT';
    },
    onBody: (chunk) => body.push(Buffer.from(chunk)),
    onEnd: () => messages.push({ start, headers, body: Buffer.concat(body).toString('latin1') }),
  });
  parser.expectRequest();
  try {
    for (let piece of pieces(wire, sizes)) {
      while (piece.length > 0) {
        const used = parser.execute(piece);
        // The listener answers CONNECT 405 and closes; node:http hands it to 'connect' and we refuse it there.
        if (connect) return { messages: [], end: 'error', reason: 'CONNECT' };
        if (parser.done) {
          // After `Connection: close` (or an HTTP/1.0 request without keep-alive) the rest is never read.
          if (!keepAlive) return { messages, end: 'clean', reason: '' };
          parser.expectRequest();
        } else if (used < piece.length) throw new Error('parser stopped inside a message');
        piece = piece.subarray(used);
      }
    }
  } catch (error) {
    return failure(messages, error);
  }
  const cut = parser.inBody || parser.headStarted;
  return { messages, end: cut ? 'incomplete' : 'clean', reason: '' };
}

/** Hop-by-hop fields our response parser leaves out (the proxy never forwards them). */
export const responseHopByHop: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'http2-settings',
]);

/** What our upstream client makes of a response to a GET that ends with the connection's close. */
export function parseResponseWithOurs(wire: Buffer, sizes: readonly number[] = [wire.length]): Outcome {
  const messages: ParsedMessage[] = [];
  let start = '';
  let headers: Record<string, string | string[]> = {};
  const body: Buffer[] = [];
  const parser = new Http1ResponseParser({
    onHead: (head) => {
      start = String(head.status);
      headers = plainHeaders(head.headers);
    },
    onBody: (chunk) => body.push(Buffer.from(chunk)),
    onEnd: () => messages.push({ start, headers, body: Buffer.concat(body).toString('latin1') }),
  });
  parser.expect(false);
  try {
    for (const piece of pieces(wire, sizes)) {
      parser.execute(piece);
      if (parser.done) break;
    }
    if (!parser.done) parser.finish();
  } catch (error) {
    if (error instanceof Http1ParseError && /before the response was complete/.test(error.message))
      return { messages, end: 'incomplete', reason: error.message };
    return failure(messages, error);
  }
  return { messages, end: 'clean', reason: '' };
}
