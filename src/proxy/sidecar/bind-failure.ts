// Recognises the one rejected configuration that ends a sidecar: a first configuration whose listeners cannot bind.
import type { NackEvent } from '../xds-client/index.ts';

/**
 * The problem text when `event` is a listener bind failure, else undefined. Today the xDS client reports it only
 * as NACK text (`cannot bind host:port: ...`), so this matches the text; it is the single place to switch to a
 * typed bind-failure signal from the client.
 */
export function bindFailureOf(event: NackEvent): string | undefined {
  return /cannot bind/.test(event.message) ? event.message : undefined;
}
