// What the admin interface may do to the process that runs it (quit, identify it, name config versions): the
// sidecar supplies these; a bare MeshProxy has none.

/** Who the server is, for /server_info. */
export interface ServerIdentity {
  /** The Envoy node id sent to the control plane. */
  readonly nodeId: string;
  /** The Envoy node cluster (App Mesh: the virtual node's name). */
  readonly cluster: string;
  /** Our package version. */
  readonly version: string;
  /** Epoch milliseconds when the process started serving. */
  readonly startedAtMs: number;
}

export interface AdminControls {
  readonly identity?: ServerIdentity;
  /** Stops the whole sidecar (POST /quitquitquit); called after the answer is sent. */
  quit?(): void;
  /** The xDS version of one applied resource (by type URL and name), when the configuration came over xDS. */
  resourceVersion?(typeUrl: string, name: string): string | undefined;
  /** Told when POST /healthcheck/fail (true) or /healthcheck/ok (false) changes the draining state. */
  healthCheckFailed?(failed: boolean): void;
  /** Epoch milliseconds now; default Date.now. */
  nowMs?(): number;
}
