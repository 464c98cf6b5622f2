// envoy.config.accesslog.v3.AccessLog (file and stdout/stderr loggers) → AccessLogConfig.
import type { AccessLog__Output } from '../../xds/protos/generated/envoy/config/accesslog/v3/AccessLog.ts';
import { unpackAny, extensionTypeUrls } from '../../xds/protos/index.ts';
import type { Violations } from './config-error.ts';
import type { AccessLogConfig, AccessLogFormat } from './listener-types.ts';

/** Envoy's default access log format. */
export const defaultAccessLogFormat =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" ' +
  '%RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% ' +
  '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" ' +
  '"%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"\n';

/** google.protobuf.Value as decoded: the well-known types keep protobuf.js's camelCase field names. */
interface StructValue {
  kind?: string;
  stringValue?: string;
  numberValue?: number;
  boolValue?: boolean;
}
interface SubstitutionFormat {
  format?: string;
  text_format?: string;
  json_format?: { fields: Record<string, StructValue> } | null;
  text_format_source?: { specifier?: string; inline_string?: string } | null;
}
interface LoggerOutput {
  path?: string;
  access_log_format?: string;
  log_format?: SubstitutionFormat | null;
  format?: string;
  json_format?: { fields: Record<string, StructValue> } | null;
}

function decodeFormat(
  f: SubstitutionFormat | null | undefined,
  path: string,
  v: Violations,
): AccessLogFormat {
  if (f === null || f === undefined) return { kind: 'text', template: defaultAccessLogFormat };
  if (f.format === 'json_format' && f.json_format) {
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(f.json_format.fields)) {
      if (value.kind === 'stringValue') fields[key] = value.stringValue ?? '';
      else v.add(`${path}.json_format.${key}`, 'only string values are supported');
    }
    return { kind: 'json', fields };
  }
  if (f.format === 'text_format') return { kind: 'text', template: f.text_format ?? '' };
  if (f.format === 'text_format_source') {
    if (f.text_format_source?.specifier !== 'inline_string')
      v.add(`${path}.text_format_source`, 'only inline_string is supported');
    return { kind: 'text', template: f.text_format_source?.inline_string ?? '' };
  }
  return { kind: 'text', template: defaultAccessLogFormat };
}

export function decodeAccessLogs(
  logs: readonly AccessLog__Output[],
  path: string,
  v: Violations,
): AccessLogConfig[] {
  const out: AccessLogConfig[] = [];
  logs.forEach((log, i) => {
    const at = `${path}[${i}]`;
    const any = log.typed_config;
    if (!any) {
      v.add(`${at}.typed_config`, 'is required');
      return;
    }
    let cfg: LoggerOutput;
    try {
      cfg = unpackAny(any) as LoggerOutput;
    } catch (cause) {
      v.add(`${at}.typed_config`, (cause as Error).message);
      return;
    }
    let file: string;
    if (any.type_url === extensionTypeUrls.fileAccessLog) file = cfg.path ?? '';
    else if (any.type_url === extensionTypeUrls.stdoutAccessLog) file = '/dev/stdout';
    else if (any.type_url === extensionTypeUrls.stderrAccessLog) file = '/dev/stderr';
    else {
      v.add(`${at}.typed_config`, `unsupported access logger ${any.type_url}`);
      return;
    }
    if (file === '') v.add(`${at}.typed_config.path`, 'must not be empty');
    let format: AccessLogFormat;
    if (cfg.format === 'json_format' && cfg.json_format)
      format = decodeFormat({ format: 'json_format', json_format: cfg.json_format }, at, v);
    else if (cfg.access_log_format === 'format' || (cfg.format ?? '') !== '')
      format = { kind: 'text', template: cfg.format ?? defaultAccessLogFormat };
    else format = decodeFormat(cfg.log_format, `${at}.typed_config.log_format`, v);
    out.push({ path: file, format });
  });
  return out;
}
