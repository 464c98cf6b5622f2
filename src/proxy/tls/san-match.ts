// Subject-alternative-name rules checked against a peer certificate, with Envoy's semantics: a rule is met by any
// DNS or URI SAN; an exact rule against a DNS SAN follows DNS matching (case-insensitive, `*.` wildcards).
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import type { SanMatcher } from '../config/tls-types.ts';

/** The DNS and URI subject alternative names of a certificate. */
export interface SubjectAltNames {
  readonly dns: readonly string[];
  readonly uri: readonly string[];
}

const noNames: SubjectAltNames = { dns: [], uri: [] };

/**
 * Splits Node's `subjectaltname` text ("DNS:a, URI:spiffe://x, IP Address:1.2.3.4"). Node quotes a value as a
 * JSON string when it holds a comma, quote or control character, so a value such as `DNS:"a, URI:b"` is one name,
 * not two: splitting naively on ", " would let a crafted certificate claim a SAN it does not have.
 */
export function parseSubjectAltNames(text: string | undefined): SubjectAltNames {
  if (text === undefined || text === '') return noNames;
  const dns: string[] = [];
  const uri: string[] = [];
  let at = 0;
  while (at < text.length) {
    const colon = text.indexOf(':', at);
    if (colon < 0) break;
    const type = text.slice(at, colon);
    let value: string;
    let next: number;
    if (text[colon + 1] === '"') {
      const end = endOfJsonString(text, colon + 1);
      if (end < 0) break; // malformed: keep what was read, never guess at the rest
      try {
        value = JSON.parse(text.slice(colon + 1, end + 1)) as string;
      } catch {
        break;
      }
      next = end + 1;
    } else {
      const comma = text.indexOf(', ', colon + 1);
      next = comma < 0 ? text.length : comma;
      value = text.slice(colon + 1, next);
    }
    if (type === 'DNS') dns.push(value);
    else if (type === 'URI') uri.push(value);
    at = next;
    if (text.startsWith(', ', at)) at += 2;
    else if (at < text.length) break;
  }
  return { dns, uri };
}

function endOfJsonString(text: string, openQuote: number): number {
  for (let i = openQuote + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
  }
  return -1;
}

/** The DNS and URI SANs of a certificate as Node reports it (a TLS peer certificate or a parsed X509Certificate). */
export function subjectAltNamesOf(cert: PeerCertificate | X509Certificate): SubjectAltNames {
  if (cert instanceof X509Certificate) return parseSubjectAltNames(cert.subjectAltName);
  // A peer certificate without the extension has no `subjectaltname` at all, despite its declared type.
  return parseSubjectAltNames((cert as Partial<PeerCertificate>).subjectaltname);
}

/** Envoy's DNS match: case-insensitive; a SAN `*.example.com` covers exactly one more label (`a.example.com`). */
function dnsNameMatches(wanted: string, san: string): boolean {
  const w = wanted.toLowerCase();
  const s = san.toLowerCase();
  if (w === s) return true;
  if (!s.startsWith('*.')) return false;
  const dot = w.indexOf('.');
  return dot > 0 && w.slice(dot) === s.slice(1);
}

function ruleMatches(rule: SanMatcher, names: SubjectAltNames): boolean {
  if (rule.kind === 'exact') {
    return names.uri.includes(rule.value) || names.dns.some((san) => dnsNameMatches(rule.value, san));
  }
  return (
    names.uri.some((san) => san.startsWith(rule.value)) || names.dns.some((san) => san.startsWith(rule.value))
  );
}

/**
 * Whether `cert` meets at least one of `rules` (Envoy's match_typed_subject_alt_names: any rule, any DNS or URI
 * SAN). No rules: true — the chain check alone decides. Callers check the chain first; this never does.
 */
export function matchesSubjectAltNames(
  cert: PeerCertificate | X509Certificate,
  rules: readonly SanMatcher[],
): boolean {
  if (rules.length === 0) return true;
  const names = subjectAltNamesOf(cert);
  return rules.some((rule) => ruleMatches(rule, names));
}
