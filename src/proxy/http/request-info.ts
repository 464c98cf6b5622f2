// What happened to one request, for access logs and stats (Envoy's StreamInfo, reduced to what we log).

export class RequestInfo {
  readonly startWallMs: number;
  readonly startMs: number;
  responseCode = 0;
  /** Envoy response flags (`UH`, `UF`, `UO`, `NR`, `URX`, `UT`, ...), comma-joined when several. */
  responseFlags = '';
  bytesReceived = 0;
  bytesSent = 0;
  routeName = '';
  clusterName = '';
  upstreamHost = '';
  upstreamServiceTimeMs = -1;
  /** Why the last attempt's connection failed (a TLS handshake or verification), '' if it did not. */
  upstreamTransportFailureReason = '';
  attempts = 0;
  /** Why the proxy answered as it did, where a filter says (Envoy's %RESPONSE_CODE_DETAILS%); '' otherwise. */
  responseCodeDetails = '';
  durationMs = 0;

  constructor(startMs: number) {
    this.startMs = startMs;
    this.startWallMs = Date.now();
  }

  addFlag(flag: string): void {
    this.responseFlags = this.responseFlags === '' ? flag : `${this.responseFlags},${flag}`;
  }
}
