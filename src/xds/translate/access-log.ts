// A node's `spec.logging` as Envoy file access loggers, shared by its HTTP connection managers and TCP proxies.
import type { Logging } from '../../model/specs/index.ts';
import { extensionTypeUrls } from '../protos/index.ts';
import type { AccessLog, FileAccessLog } from './envoy-types.ts';
import { packTyped } from './typed-config.ts';

/** No logging configured → no access logs; no format → Envoy's default text format. */
export function accessLogs(logging: Logging | undefined): AccessLog[] {
  const file = logging?.accessLog?.file;
  if (!file) return [];
  const config: FileAccessLog = { path: file.path };
  if (file.format?.text != null) {
    config.log_format = { text_format_source: { inline_string: file.format.text } };
  } else if (file.format?.json != null) {
    const fields = Object.fromEntries(
      file.format.json.map(({ key, value }) => [key, { stringValue: value }]),
    );
    config.log_format = { json_format: { fields } };
  }
  return [
    { name: 'envoy.access_loggers.file', typed_config: packTyped(extensionTypeUrls.fileAccessLog, config) },
  ];
}
