// The sidecar's entry in the control plane's instance registry: registered once it serves, removed on shutdown.
import type { Logger } from 'pino';
import { httpCall } from '../../util/http-call.ts';

export interface InstanceRegistrationOptions {
  /** Base URL of the control plane's API, e.g. http://127.0.0.1:9080. */
  readonly apiUrl: string;
  readonly meshName: string;
  readonly virtualNodeName: string;
  readonly instanceId: string;
  /** Where peers reach this sidecar's inbound listener. */
  readonly address: string;
  readonly port: number;
  /** Extra instance attributes, e.g. which node listener this instance serves. */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly logger: Logger;
}

export type RegistrationOutcome =
  | { readonly kind: 'registered'; readonly namespaceName: string; readonly serviceName: string }
  /** The node is found by DNS: there is nothing to register. */
  | { readonly kind: 'not-applicable'; readonly reason: string };

const registryPath = '/switchyard/v1/registry';
const seg = encodeURIComponent;

/** Instance ids allow `0-9 a-z A-Z _ : . @ -`; this one is stable across restarts of the same sidecar. */
export function sidecarInstanceId(nodeName: string, address: string, port: number): string {
  return `${nodeName}_${address}_${port}`.replace(/[^0-9A-Za-z_:.@-]/g, '-').slice(0, 255);
}

export class InstanceRegistration {
  readonly #o: InstanceRegistrationOptions;
  #registered: { namespaceName: string; serviceName: string } | undefined;

  constructor(options: InstanceRegistrationOptions) {
    this.#o = options;
  }

  get registered(): boolean {
    return this.#registered !== undefined;
  }

  /** PUTs the instance (idempotent); throws with the API's answer on any other failure. */
  async register(): Promise<RegistrationOutcome> {
    const o = this.#o;
    const url = `${o.apiUrl}${registryPath}/meshes/${seg(o.meshName)}/virtualNodes/${seg(o.virtualNodeName)}/instances/${seg(o.instanceId)}`;
    const response = await httpCall(url, {
      method: 'PUT',
      json: { address: o.address, port: o.port, ...(o.attributes ? { attributes: o.attributes } : {}) },
      timeoutMs: 5_000,
    });
    const text = response.text;
    if (response.status === 409) return { kind: 'not-applicable', reason: messageOf(text) };
    if (response.status !== 200 && response.status !== 201)
      throw new Error(`registering instance ${o.instanceId}: ${response.status} ${messageOf(text)}`);
    const instance = JSON.parse(text) as { namespaceName: string; serviceName: string };
    this.#registered = { namespaceName: instance.namespaceName, serviceName: instance.serviceName };
    return { kind: 'registered', ...this.#registered };
  }

  /** Removes the instance if it was registered; a missing instance counts as removed. */
  async deregister(): Promise<void> {
    const where = this.#registered;
    if (!where) return;
    const o = this.#o;
    const url = `${o.apiUrl}${registryPath}/namespaces/${seg(where.namespaceName)}/services/${seg(where.serviceName)}/instances/${seg(o.instanceId)}`;
    const response = await httpCall(url, { method: 'DELETE', timeoutMs: 5_000 });
    const text = response.text;
    if (response.status !== 200 && response.status !== 404)
      throw new Error(`deregistering instance ${o.instanceId}: ${response.status} ${messageOf(text)}`);
    this.#registered = undefined;
  }
}

function messageOf(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body;
  }
}
