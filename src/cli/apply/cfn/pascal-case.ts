// CloudFormation spells App Mesh members in PascalCase, with a few acronym unions in capitals (TLS, DNS, HTTP2…).

const acronymKeys: Readonly<Record<string, string>> = {
  TLS: 'tls',
  ACM: 'acm',
  SDS: 'sds',
  DNS: 'dns',
  AWSCloudMap: 'awsCloudMap',
  HTTP: 'http',
  HTTP2: 'http2',
  GRPC: 'grpc',
  TCP: 'tcp',
};

const camelToAcronym = new Map(Object.entries(acronymKeys).map(([pascal, camel]) => [camel, pascal]));

/** `PortMapping` → `portMapping`, `TLS` → `tls`, `AWSCloudMap` → `awsCloudMap`. */
export function pascalToCamel(key: string): string {
  return acronymKeys[key] ?? key.charAt(0).toLowerCase() + key.slice(1);
}

/** The inverse, for naming CloudFormation fields in messages. */
export function camelToPascal(key: string): string {
  return camelToAcronym.get(key) ?? key.charAt(0).toUpperCase() + key.slice(1);
}

/** Converts every object key of a CloudFormation property value to the API's spelling. */
export function convertKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convertKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) => [pascalToCamel(key), convertKeys(member)]),
  );
}

/** `spec.listeners[0].tls` → `Spec.Listeners[0].TLS`. */
export function camelPathToPascal(apiPath: string): string {
  return apiPath.replace(/[A-Za-z][A-Za-z0-9]*/g, (segment) => camelToPascal(segment));
}
