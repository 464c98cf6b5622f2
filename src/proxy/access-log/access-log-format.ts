// Envoy access log format strings (`%REQ(:METHOD)%`, `%RESPONSE_CODE%`, ...) compiled once into render functions.
import type { AccessLogFormat } from '../config/listener-types.ts';
import { headerValue } from '../config/match-request.ts';
import type { Downstream } from '../http/downstream.ts';
import type { RequestInfo } from '../http/request-info.ts';

type Part = (ds: Downstream, info: RequestInfo) => string;

function header(names: string, maxLength: number | undefined): Part {
  const [main, fallback] = names.toLowerCase().split('?') as [string, string | undefined];
  const pick = (ds: Downstream): string | undefined => {
    const name = main === ':path' ? ':path' : main;
    return (
      headerValue(ds.request, name) ??
      (fallback === undefined ? undefined : headerValue(ds.request, fallback))
    );
  };
  return (ds) => {
    const v = pick(ds);
    if (v === undefined || v === '') return '-';
    return maxLength === undefined ? v : v.slice(0, maxLength);
  };
}

const dash = (v: string | number): string => (v === '' || v === -1 ? '-' : String(v));

function operator(command: string, arg: string | undefined, maxLength: number | undefined): Part {
  switch (command) {
    case 'START_TIME':
      return (_ds, info) => new Date(info.startWallMs).toISOString();
    case 'REQ':
      return header(arg ?? '', maxLength);
    case 'RESP':
      return (arg ?? '').toLowerCase() === 'x-envoy-upstream-service-time'
        ? (_ds, info) =>
            info.upstreamServiceTimeMs < 0 ? '-' : String(Math.round(info.upstreamServiceTimeMs))
        : () => '-';
    case 'PROTOCOL':
      return (ds) => ds.protocol;
    case 'METHOD':
      return (ds) => ds.request.method;
    case 'RESPONSE_CODE':
      return (_ds, info) => String(info.responseCode);
    case 'RESPONSE_CODE_DETAILS':
      return (_ds, info) => dash(info.responseCodeDetails);
    case 'RESPONSE_FLAGS':
      return (_ds, info) => dash(info.responseFlags);
    case 'BYTES_RECEIVED':
      return (_ds, info) => String(info.bytesReceived);
    case 'BYTES_SENT':
      return (_ds, info) => String(info.bytesSent);
    case 'DURATION':
      return (_ds, info) => String(Math.round(info.durationMs));
    case 'UPSTREAM_HOST':
      return (_ds, info) => dash(info.upstreamHost);
    case 'UPSTREAM_TRANSPORT_FAILURE_REASON':
      return (_ds, info) => dash(info.upstreamTransportFailureReason);
    case 'UPSTREAM_CLUSTER':
      return (_ds, info) => dash(info.clusterName);
    case 'ROUTE_NAME':
      return (_ds, info) => dash(info.routeName);
    case 'UPSTREAM_REQUEST_ATTEMPT_COUNT':
      return (_ds, info) => String(info.attempts);
    // TLS: what the handshake of the request's connection told ('-' on plaintext, as in Envoy).
    case 'DOWNSTREAM_TLS_VERSION':
      return (ds) => dash(ds.tls?.version ?? '');
    case 'DOWNSTREAM_PEER_URI_SAN':
      return (ds) => dash(ds.tls?.peer?.uriSans.join(',') ?? '');
    case 'DOWNSTREAM_PEER_DNS_SAN':
      return (ds) => dash(ds.tls?.peer?.dnsSans.join(',') ?? '');
    case 'DOWNSTREAM_PEER_SUBJECT':
      return (ds) => dash(ds.tls?.peer?.subject ?? '');
    case 'DOWNSTREAM_PEER_FINGERPRINT_256':
      return (ds) => dash(ds.tls?.peer?.sha256Hex ?? '');
    case 'DOWNSTREAM_LOCAL_URI_SAN':
      return (ds) => dash(ds.tls?.localUriSans.join(',') ?? '');
    case 'DOWNSTREAM_REMOTE_ADDRESS':
    case 'DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT':
      return (ds) => dash(ds.remoteAddress);
    default:
      return () => '-';
  }
}

const token = /%([A-Z0-9_]+)(?:\(([^)]*)\))?(?::(\d+))?%/g;

/** Compiles a text template into a list of literal strings and operators. */
export function compileTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of template.matchAll(token)) {
    const literal = template.slice(last, m.index);
    if (literal !== '') parts.push(() => literal);
    parts.push(operator(m[1] ?? '', m[2], m[3] === undefined ? undefined : Number(m[3])));
    last = m.index + m[0].length;
  }
  const tail = template.slice(last).replaceAll('%%', '%');
  if (tail !== '') parts.push(() => tail);
  return parts;
}

export type AccessLogRenderer = (ds: Downstream, info: RequestInfo) => string;

export function compileAccessLogFormat(format: AccessLogFormat): AccessLogRenderer {
  if (format.kind === 'text') {
    const parts = compileTemplate(format.template);
    return (ds, info) => {
      let line = '';
      for (const p of parts) line += p(ds, info);
      return line;
    };
  }
  const fields = Object.entries(format.fields).map(
    ([key, template]) => [key, compileTemplate(template)] as const,
  );
  return (ds, info) => {
    const out: Record<string, string | number> = {};
    for (const [key, parts] of fields) {
      let value = '';
      for (const p of parts) value += p(ds, info);
      out[key] = /^\d+$/.test(value) && parts.length === 1 ? Number(value) : value;
    }
    return `${JSON.stringify(out)}\n`;
  };
}
