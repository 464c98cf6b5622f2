// Per stream and type: what was sent, ACKed and NACKed, by nonce; the source of the status API for one type.
export interface NackInfo {
  /** Version of the response the client rejected. */
  readonly version: string;
  readonly nonce: string;
  /** The version the client says it still runs (SotW `version_info`; empty for delta). */
  readonly clientVersion: string;
  readonly code: number;
  readonly message: string;
  readonly at: string;
}

export interface TypeStatus {
  readonly typeUrl: string;
  readonly wildcard: boolean;
  readonly subscribed: readonly string[];
  readonly lastSentVersion: string | undefined;
  readonly lastSentNonce: string | undefined;
  readonly lastSentAt: string | undefined;
  readonly lastAckedVersion: string | undefined;
  readonly lastAckedAt: string | undefined;
  /** The most recent NACK; cleared by a later ACK. */
  readonly lastNack: NackInfo | undefined;
}

export type Verdict =
  | { readonly kind: 'ack'; readonly version: string }
  | { readonly kind: 'nack'; readonly nack: NackInfo }
  | { readonly kind: 'unknown-nonce' };

// Delta clients may ACK several outstanding responses late; remember a bounded number of them.
const maxOutstanding = 64;

export class TypeTracker {
  readonly typeUrl: string;
  #outstanding = new Map<string, string>();
  #lastSentVersion: string | undefined;
  #lastSentNonce: string | undefined;
  #lastSentAt: string | undefined;
  #lastAckedVersion: string | undefined;
  #lastAckedAt: string | undefined;
  #lastNack: NackInfo | undefined;

  constructor(typeUrl: string) {
    this.typeUrl = typeUrl;
  }

  get lastSentNonce(): string | undefined {
    return this.#lastSentNonce;
  }

  recordSent(version: string, nonce: string): void {
    this.#outstanding.set(nonce, version);
    if (this.#outstanding.size > maxOutstanding) {
      this.#outstanding.delete(this.#outstanding.keys().next().value!);
    }
    this.#lastSentVersion = version;
    this.#lastSentNonce = nonce;
    this.#lastSentAt = new Date().toISOString();
  }

  /**
   * The client already holds exactly `version`'s resources without a response (a delta client that resumed with
   * initial_resource_versions): report it as sent and ACKed, unless a response is unanswered or a NACK stands.
   */
  recordInSync(version: string): void {
    if (this.#outstanding.size > 0 || this.#lastNack !== undefined) return;
    if (this.#lastAckedVersion === version) return;
    const at = new Date().toISOString();
    this.#lastSentVersion = version;
    this.#lastSentAt = at;
    this.#lastAckedVersion = version;
    this.#lastAckedAt = at;
  }

  /** Classifies a request answering `nonce`: a NACK iff it carries error_detail (never by comparing versions). */
  recordReply(
    nonce: string,
    error: { code: number; message: string } | null,
    clientVersion: string,
  ): Verdict {
    const version = this.#outstanding.get(nonce);
    if (version === undefined) return { kind: 'unknown-nonce' };
    this.#outstanding.delete(nonce);
    const at = new Date().toISOString();
    if (error === null) {
      this.#lastAckedVersion = version;
      this.#lastAckedAt = at;
      this.#lastNack = undefined;
      return { kind: 'ack', version };
    }
    this.#lastNack = { version, nonce, clientVersion, code: error.code, message: error.message, at };
    return { kind: 'nack', nack: this.#lastNack };
  }

  status(subscription: { wildcard: boolean; names: Iterable<string> }): TypeStatus {
    return {
      typeUrl: this.typeUrl,
      wildcard: subscription.wildcard,
      subscribed: [...subscription.names].sort(),
      lastSentVersion: this.#lastSentVersion,
      lastSentNonce: this.#lastSentNonce,
      lastSentAt: this.#lastSentAt,
      lastAckedVersion: this.#lastAckedVersion,
      lastAckedAt: this.#lastAckedAt,
      lastNack: this.#lastNack,
    };
  }
}
