// Holds one LISTEN connection that wakes the change feed, reconnecting with back-off when it drops.

import pg from 'pg';

export const changesChannel = 'switchyard_changes';

export interface ChangeNotificationsOptions {
  readonly clientConfig: pg.ClientConfig;
  /** The channel to LISTEN on; default the store's `changesChannel` (the registry has its own). */
  readonly channel?: string;
  /** Called on every notification and after every (re)connect, since notifications sent while away are lost. */
  readonly onWake: () => void;
  /** Called once per lost connection and per failed reconnect attempt. */
  readonly onConnectionError: (error: unknown) => void;
  /** Longest wait between reconnect attempts. */
  readonly maxRetryMs?: number;
}

const firstRetryMs = 100;

export class ChangeNotifications {
  readonly #options: ChangeNotificationsOptions;
  readonly #maxRetryMs: number;
  #client: pg.Client | undefined;
  #retryMs = firstRetryMs;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  /** Connects and listens; fails when the first connection cannot be made. */
  static async start(options: ChangeNotificationsOptions): Promise<ChangeNotifications> {
    const notifications = new ChangeNotifications(options);
    await notifications.#connect();
    return notifications;
  }

  private constructor(options: ChangeNotificationsOptions) {
    this.#options = options;
    this.#maxRetryMs = options.maxRetryMs ?? 5000;
  }

  /** Whether the LISTEN connection is up now. */
  get connected(): boolean {
    return this.#client !== undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ ...this.#options.clientConfig, keepAlive: true });
    // While connecting, failures surface through connect() itself; after that through these events.
    let lost = true;
    const onLost = (error: unknown): void => {
      if (lost) return;
      lost = true;
      if (this.#client === client) this.#client = undefined;
      void client.end().catch(() => {});
      if (this.#closed) return;
      this.#options.onConnectionError(error);
      this.#scheduleReconnect();
    };
    client.on('notification', () => this.#options.onWake());
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('the LISTEN connection ended')));
    try {
      await client.connect();
      // The channel is one of our own constant identifiers, never user input.
      await client.query(`LISTEN ${this.#options.channel ?? changesChannel}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    lost = false;
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#retryMs = firstRetryMs;
    this.#options.onWake();
  }

  #scheduleReconnect(): void {
    this.#retryTimer = setTimeout(() => {
      this.#connect().catch((error: unknown) => {
        if (this.#closed) return;
        this.#options.onConnectionError(error);
        this.#scheduleReconnect();
      });
    }, this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, this.#maxRetryMs);
  }
}
