// Keeps one instance registered, retrying failures with jittered, capped back-off until success or stop().
//
// Retries matter because the control plane's API may be down while the sidecar comes up.
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../clock.ts';
import { reconnectDelayMs } from '../xds-client/reconnect-back-off.ts';
import type { ReconnectBackOff } from '../xds-client/reconnect-back-off.ts';
import type { RegistrationOutcome } from './instance-registration.ts';

/** What the loop drives; `InstanceRegistration` satisfies it. */
export interface Registrar {
  register(): Promise<RegistrationOutcome>;
}

export interface RegistrationLoopOptions {
  readonly registrar: Registrar;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random?: () => number;
  /** Default 500 ms base, 10 s cap. */
  readonly backOff?: ReconnectBackOff;
}

export const defaultRegistrationBackOff: ReconnectBackOff = { baseMs: 500, maxMs: 10_000 };

/**
 * Bounded by construction: at most one attempt in flight and one retry timer per loop, however often it is
 * kicked, and the delay between attempts never exceeds the back-off cap.
 */
export class RegistrationLoop {
  readonly #o: RegistrationLoopOptions;
  #attempt = 0;
  #inFlight: Promise<void> | undefined;
  /** A kick arrived during an attempt: register once more when it settles, whatever its outcome. */
  #again = false;
  #retry: TimerHandle | undefined;
  #stopped = false;
  #attempts = 0;

  constructor(options: RegistrationLoopOptions) {
    this.#o = options;
  }

  /** Registers now (registration is idempotent): on the first configuration and after every reconnect. */
  kick(): void {
    if (this.#stopped) return;
    this.#retry?.cancel();
    this.#retry = undefined;
    this.#attempt = 0;
    if (this.#inFlight) this.#again = true;
    else this.#run();
  }

  /** Registration attempts started so far. */
  get attempts(): number {
    return this.#attempts;
  }

  /** True while a failed registration waits for its retry. */
  get retryPending(): boolean {
    return this.#retry !== undefined;
  }

  /**
   * Cancels any retry and waits for an attempt in flight, so a deregistration that follows sees the final
   * state (an attempt finishing after it would leave a stale instance behind).
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#retry?.cancel();
    this.#retry = undefined;
    await this.#inFlight;
  }

  #run(): void {
    const { registrar, logger } = this.#o;
    this.#attempts++;
    this.#inFlight = registrar.register().then(
      (outcome) => {
        this.#inFlight = undefined;
        if (outcome.kind === 'registered') logger.info(outcome, 'instance registered');
        else logger.info({ reason: outcome.reason }, 'nothing to register for this node');
        this.#settled();
      },
      (error: unknown) => {
        this.#inFlight = undefined;
        if (this.#stopped) return;
        const delayMs = reconnectDelayMs(
          this.#attempt++,
          this.#o.backOff ?? defaultRegistrationBackOff,
          this.#o.random ?? Math.random,
        );
        logger.warn({ err: error, retryInMs: delayMs }, 'instance registration failed');
        if (this.#settled()) return;
        this.#retry = this.#o.clock.setTimer(() => {
          this.#retry = undefined;
          if (!this.#stopped) this.#run();
        }, delayMs);
      },
    );
  }

  /** Runs the attempt a kick asked for meanwhile; true when it did (then no retry is needed). */
  #settled(): boolean {
    if (!this.#again || this.#stopped) return false;
    this.#again = false;
    this.#attempt = 0;
    this.#run();
    return true;
  }
}
