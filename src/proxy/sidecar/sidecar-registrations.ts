// A virtual node sidecar's registry entries: one per inbound listener, kept while it runs, removed on stop.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { EnvoySnapshot } from '../config/proxy-config.ts';
import { listenerPortAttribute } from '../../util/instance-attributes.ts';
import { proxyTokenAttribute } from '../../xds/protos/node-metadata.ts';
import { inboundInstances } from './inbound-instances.ts';
import { InstanceRegistration, sidecarInstanceId } from './instance-registration.ts';
import { RegistrationLoop } from './registration-loop.ts';

export interface SidecarRegistrationsOptions {
  /**
   * The control plane APIs to try, in order, read at every registry call: they are learned over xDS and change
   * when the sidecar moves to another replica.
   */
  readonly apiUrls: () => readonly string[];
  /** Tags every instance, so the control plane removes them once this process's streams are gone for good. */
  readonly proxyToken: string;
  /**
   * The proxy access token now (read at every call, so a rotated token file is followed), sent on registry calls
   * when the control plane's authentication is on.
   */
  readonly accessToken?: () => string | undefined;
  readonly meshName: string;
  readonly virtualNodeName: string;
  /** Where peers reach this sidecar. */
  readonly registerAddress: string;
  /** The single inbound listener's port, for a node with at most one listener. */
  readonly inboundPort: number;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random?: () => number;
}

interface Entry {
  readonly registration: InstanceRegistration;
  readonly loop: RegistrationLoop;
}

export class SidecarRegistrations {
  readonly #o: SidecarRegistrationsOptions;
  /** By inbound port: a port keeps its instance id across reconnects, so re-registering replaces it. */
  readonly #entries = new Map<number, Entry>();
  #stopped = false;

  constructor(options: SidecarRegistrationsOptions) {
    this.#o = options;
  }

  /** (Re-)registers every inbound instance of `snapshot`; idempotent, so it is safe after each reconnect. */
  sync(snapshot: EnvoySnapshot | undefined): void {
    if (this.#stopped) return;
    const o = this.#o;
    const instances = inboundInstances(snapshot, o.inboundPort);
    if (instances.length === 0) {
      o.logger.info('the node has no listeners: no inbound instance to register');
      return;
    }
    for (const instance of instances) {
      let entry = this.#entries.get(instance.port);
      if (!entry) {
        const registration = new InstanceRegistration({
          apiUrl: o.apiUrls,
          meshName: o.meshName,
          virtualNodeName: o.virtualNodeName,
          instanceId: sidecarInstanceId(o.virtualNodeName, o.registerAddress, instance.port),
          address: o.registerAddress,
          port: instance.port,
          attributes: {
            [proxyTokenAttribute]: o.proxyToken,
            ...(instance.listenerPort === undefined
              ? {}
              : { [listenerPortAttribute]: String(instance.listenerPort) }),
          },
          logger: o.logger,
          ...(o.accessToken ? { accessToken: o.accessToken } : {}),
        });
        const loop = new RegistrationLoop({
          registrar: registration,
          logger: o.logger,
          clock: o.clock,
          random: o.random,
        });
        entry = { registration, loop };
        this.#entries.set(instance.port, entry);
      }
      entry.loop.kick();
    }
  }

  /** Stops retrying, then removes every registered instance; failures are logged, never thrown. */
  async deregisterAll(): Promise<void> {
    this.#stopped = true;
    const { logger } = this.#o;
    await Promise.all(
      [...this.#entries.values()].map(async ({ registration, loop }) => {
        await loop.stop();
        if (!registration.registered) return;
        await registration.deregister().then(
          () => logger.info('instance deregistered'),
          (error: unknown) => logger.warn({ err: error }, 'instance deregistration failed'),
        );
      }),
    );
  }
}
