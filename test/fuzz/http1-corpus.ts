// Generated and mutated HTTP/1.1 messages for the differential and mutation fuzz tests: well-formed requests and
// responses (pipelined, with every body framing), then byte-level mutations and the shapes requests are smuggled in.
import type { Prng } from './prng.ts';

const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const targets = [
  '/',
  '/a/b?c=d',
  '/x%20y',
  '/p/../q',
  'http://svc:8080/p?x=1',
  '/a#frag',
  '/~user/.a',
  '//double',
];
const fieldNames = [
  'x-a',
  'accept',
  'user-agent',
  'cookie',
  'content-type',
  'x-forwarded-for',
  'via',
  'expect',
];
const fieldValues = ['v', 'a b', '*/*', 'x=1; y=2', 'text/plain', ' padded\t', 'caf\xe9', '100-continue', ''];

/** Values Transfer-Encoding arrives with when someone is trying to make two parsers disagree. */
export const transferEncodings = [
  'chunked\t',
  'gzip,\tchunked',
  'chunked',
  'Chunked',
  ' chunked',
  'chunked ',
  '\tchunked',
  '\x0bchunked',
  'chunked\x0b',
  'chunked\xa0',
  'gzip, chunked',
  'chunked, gzip',
  'chunked, chunked',
  'identity',
  'chunked,',
  ',chunked',
  'xchunked',
  'chunk',
  '',
];

export const contentLengths = [
  '0',
  '3',
  '+3',
  '-1',
  '3 ',
  ' 3',
  '3,3',
  '03',
  '1e1',
  '0x3',
  '99999999999999999999',
  '',
  '\x0b3',
  '3\x00',
];

/** Bytes that tend to sit on a parser's decision points. */
const interesting = [
  '\r',
  '\n',
  ' ',
  '\t',
  '\x0b',
  '\x0c',
  '\x00',
  '\x7f',
  '\xa0',
  '\xff',
  ':',
  ';',
  ',',
  '"',
  '\\',
  '0',
  '1',
  'a',
  'f',
  'z',
  '=',
  '/',
  '.',
  '%',
  '?',
  '#',
  'H',
  '\r\n',
  '\r\n\r\n',
];

function chunkedBody(r: Prng): string {
  let out = '';
  const n = r.int(3);
  for (let i = 0; i < n; i++) {
    const data = 'abcdefghijklmnop'.slice(0, 1 + r.int(12));
    const size = r.chance(0.5) ? data.length.toString(16) : data.length.toString(16).toUpperCase();
    const ext = r.chance(0.25) ? r.pick([';a', ';a=b', ';a="b c"', ';a=b;c', ' ;a', '; a']) : '';
    out += `${size}${ext}\r\n${data}\r\n`;
  }
  out += '0\r\n';
  if (r.chance(0.3)) out += r.pick(['x-sum: 1\r\n', 'x-a: b\r\nx-c: d\r\n', 'bad trailer\r\n']);
  return `${out}\r\n`;
}

function fields(r: Prng): string {
  let out = '';
  const n = r.int(5);
  for (let i = 0; i < n; i++) {
    const name = r.pick(fieldNames);
    out += `${r.chance(0.2) ? name.toUpperCase() : name}: ${r.pick(fieldValues)}\r\n`;
    if (r.chance(0.1)) out += `${name}: ${r.pick(fieldValues)}\r\n`;
  }
  return out;
}

/** One well-formed request (or, now and then, one with smuggling-shaped framing fields). */
function request(r: Prng, last: boolean): string {
  const method = r.pick(methods);
  const target = method === 'OPTIONS' && r.chance(0.3) ? '*' : r.pick(targets);
  const minor = r.chance(0.85) ? 1 : 0;
  let head = `${method} ${target} HTTP/1.${minor}\r\n`;
  if (minor === 1 || r.chance(0.5)) head += `Host: ${r.pick(['svc', 'svc:8080', 'a.example.com'])}\r\n`;
  head += fields(r);
  let body = '';
  const framing = r.int(10);
  if (framing < 3) {
    body = 'hello world'.slice(0, r.int(12));
    head += `Content-Length: ${body.length}\r\n`;
  } else if (framing < 6) {
    head += 'Transfer-Encoding: chunked\r\n';
    body = chunkedBody(r);
  } else if (framing === 6) {
    head += `Transfer-Encoding: ${r.pick(transferEncodings)}\r\n`;
    if (r.chance(0.5)) head += `Content-Length: ${r.pick(contentLengths)}\r\n`;
    body = r.chance(0.5) ? chunkedBody(r) : 'abc';
  } else if (framing === 7) {
    head += `Content-Length: ${r.pick(contentLengths)}\r\n`;
    if (r.chance(0.3)) head += `Content-Length: ${r.pick(contentLengths)}\r\n`;
    body = 'abc';
  }
  if (last && r.chance(0.2)) head += 'Connection: close\r\n';
  const lead = r.chance(0.05) ? '\r\n' : '';
  return `${lead}${head}\r\n${body}`;
}

/** Byte-level damage: insertions, replacements, deletions, line duplication, CRLF → LF, truncation. */
export function mutate(r: Prng, wire: string): string {
  let out = wire;
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const at = r.int(out.length + 1);
    switch (r.int(7)) {
      case 0:
        out = out.slice(0, at) + r.pick(interesting) + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + r.pick(interesting) + out.slice(at + 1);
        break;
      case 2:
        out = out.slice(0, at) + out.slice(at + 1 + r.int(3));
        break;
      case 3: {
        const start = out.lastIndexOf('\r\n', at);
        const end = out.indexOf('\r\n', at);
        if (start >= 0 && end > start) out = out.slice(0, end) + out.slice(start, end) + out.slice(end);
        break;
      }
      case 4: {
        const crlf = out.indexOf('\r\n', at);
        if (crlf >= 0)
          out = out.slice(0, crlf) + r.pick(['\n', '\r', '\r\r\n', '\n\r']) + out.slice(crlf + 2);
        break;
      }
      case 5:
        out = out.slice(0, at);
        break;
      default: {
        // A framing field slipped into some head.
        const eol = out.indexOf('\r\n', at);
        if (eol < 0) break;
        const field = r.chance(0.5)
          ? `Transfer-Encoding: ${r.pick(transferEncodings)}`
          : `Content-Length: ${r.pick(contentLengths)}`;
        out = `${out.slice(0, eol)}\r\n${field}${out.slice(eol)}`;
      }
    }
  }
  return out;
}

/** 1–3 pipelined requests, mutated in 60% of the cases. Latin-1 text (one char per byte). */
export function requestCase(r: Prng): string {
  const count = 1 + r.int(3);
  let wire = '';
  for (let i = 0; i < count; i++) wire += request(r, i === count - 1);
  return r.chance(0.6) ? mutate(r, wire) : wire;
}

const statusLines = [
  'HTTP/1.1 200 OK',
  'HTTP/1.1 201 Created',
  'HTTP/1.1 404 Not Found',
  'HTTP/1.0 200 OK',
  'HTTP/1.1 204 No Content',
  'HTTP/1.1 304 Not Modified',
  'HTTP/1.1 200',
  'HTTP/1.1 200 ',
  'HTTP/1.1 503 Service Unavailable',
];

/** One response to a GET, then the connection closes; mutated in 60% of the cases. */
export function responseCase(r: Prng): string {
  let head = `${r.pick(statusLines)}\r\n`;
  head += fields(r).replace(/expect: [^\r]*\r\n/gi, '');
  let body: string;
  const framing = r.int(8);
  if (framing < 3) {
    body = 'response body'.slice(0, r.int(14));
    head += `Content-Length: ${body.length}\r\n`;
  } else if (framing < 5) {
    head += 'Transfer-Encoding: chunked\r\n';
    body = chunkedBody(r);
  } else if (framing === 5) {
    head += `Transfer-Encoding: ${r.pick(transferEncodings)}\r\n`;
    if (r.chance(0.5)) head += `Content-Length: ${r.pick(contentLengths)}\r\n`;
    body = r.chance(0.5) ? chunkedBody(r) : 'abc';
  } else if (framing === 6) {
    head += `Content-Length: ${r.pick(contentLengths)}\r\n`;
    body = 'abc';
  } else body = 'until close';
  if (r.chance(0.2)) head += `Connection: ${r.pick(['close', 'keep-alive'])}\r\n`;
  const wire = `${head}\r\n${body}`;
  return r.chance(0.6) ? mutate(r, wire) : wire;
}
