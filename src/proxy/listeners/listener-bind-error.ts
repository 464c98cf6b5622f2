// A new configuration's listeners could not all bind: the configuration is refused whole and the old one serves on.

export interface ListenerBindFailure {
  readonly listener: string;
  readonly host: string;
  readonly port: number;
  /** The operating system's reason (e.g. `listen EADDRINUSE: address already in use 127.0.0.1:8080`). */
  readonly reason: string;
}

/** Thrown by ListenerManager.prepare; `message` names every failed listener and is suitable as a NACK detail. */
export class ListenerBindError extends Error {
  readonly failures: readonly ListenerBindFailure[];
  constructor(failures: readonly ListenerBindFailure[]) {
    super(
      failures.map((f) => `listener "${f.listener}" cannot bind ${f.host}:${f.port}: ${f.reason}`).join('; '),
    );
    this.name = 'ListenerBindError';
    this.failures = failures;
  }
}
