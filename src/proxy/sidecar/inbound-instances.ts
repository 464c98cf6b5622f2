// Which instances a sidecar registers: one per inbound listener. A node with several listeners gets one inbound
// listener per node listener (marked with listener metadata), each registered with the node listener it serves.
import type { EnvoySnapshot } from '../config/proxy-config.ts';
import { listenerMetadata } from '../../xds/protos/node-metadata.ts';

export interface InboundInstance {
  /** The port peers dial: the inbound listener's. */
  readonly port: number;
  /** The node listener it serves, when the node has several; absent for a single inbound listener. */
  readonly listenerPort?: number;
}

interface StructNumber {
  readonly numberValue?: number;
  readonly number_value?: number;
}

function listenerPortOf(listener: EnvoySnapshot['listeners'][number]): number | undefined {
  const meta = listener.metadata?.filter_metadata?.[listenerMetadata.namespace] as
    { fields?: Record<string, StructNumber> } | undefined;
  const value = meta?.fields?.[listenerMetadata.listenerPort];
  return value?.numberValue ?? value?.number_value;
}

/** The inbound instances of an applied snapshot; `inboundPort` is the sidecar's single-listener port. */
export function inboundInstances(
  snapshot: EnvoySnapshot | undefined,
  inboundPort: number,
): InboundInstance[] {
  const inbound = (snapshot?.listeners ?? []).filter((l) => l.traffic_direction === 'INBOUND');
  const perListener = inbound.flatMap((l) => {
    const listenerPort = listenerPortOf(l);
    const port = l.address?.socket_address?.port_value;
    return listenerPort === undefined || port === undefined ? [] : [{ port, listenerPort }];
  });
  if (perListener.length > 0) return perListener;
  return inbound.some((l) => l.address?.socket_address?.port_value === inboundPort)
    ? [{ port: inboundPort }]
    : [];
}
