// /listeners: every listener's name and bound address (Envoy's text form `name::host:port`, or JSON).

export interface BoundListener {
  readonly name: string;
  readonly host: string;
  /** Undefined while the listener is not bound. */
  readonly port: number | undefined;
}

const hostPort = (l: BoundListener): string =>
  `${l.host.includes(':') ? `[${l.host}]` : l.host}:${l.port ?? 0}`;

export function listenersText(listeners: readonly BoundListener[]): string {
  return listeners.map((l) => `${l.name}::${hostPort(l)}\n`).join('');
}

export function listenersJson(listeners: readonly BoundListener[]): object {
  return {
    listener_statuses: listeners.map((l) => ({
      name: l.name,
      local_address: { socket_address: { address: l.host, port_value: l.port ?? 0 } },
    })),
  };
}
