// The sidecar's entry in the control plane's instance registry: registered once it serves, removed on shutdown.
import type { Logger } from 'pino';
import { httpCall } from '../../util/http-call.ts';
import type { HttpCallOptions, HttpCallResult } from '../../util/http-call.ts';

export interface InstanceRegistrationOptions {
  /**
   * Base URL of the control plane's API, e.g. http://127.0.0.1:9080; or, with several replicas, a function
   * giving the candidates in the order to try them (read at every call, so it follows failovers).
   */
  readonly apiUrl: string | (() => readonly string[]);
  readonly meshName: string;
  readonly virtualNodeName: string;
  readonly instanceId: string;
  /** Where peers reach this sidecar's inbound listener. */
  readonly address: string;
  readonly port: number;
  /** Extra instance attributes, e.g. which node listener this instance serves. */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** The proxy access token now: sent as `Authorization: Bearer` so an authenticated control plane accepts the call. */
  readonly accessToken?: () => string | undefined;
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
  /** The API that answered last: tried first next time. */
  #answeredBy: string | undefined;

  constructor(options: InstanceRegistrationOptions) {
    this.#o = options;
  }

  get registered(): boolean {
    return this.#registered !== undefined;
  }

  /** PUTs the instance (idempotent); throws with the API's answer on any other failure. */
  async register(): Promise<RegistrationOutcome> {
    const o = this.#o;
    const path = `${registryPath}/meshes/${seg(o.meshName)}/virtualNodes/${seg(o.virtualNodeName)}/instances/${seg(o.instanceId)}`;
    const response = await this.#call(path, {
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
    const path = `${registryPath}/namespaces/${seg(where.namespaceName)}/services/${seg(where.serviceName)}/instances/${seg(o.instanceId)}`;
    const response = await this.#call(path, { method: 'DELETE', timeoutMs: 5_000 });
    const text = response.text;
    if (response.status !== 200 && response.status !== 404)
      throw new Error(`deregistering instance ${o.instanceId}: ${response.status} ${messageOf(text)}`);
    this.#registered = undefined;
  }

  /**
   * Sends the call to the first candidate API that answers: one that cannot be reached or answers 5xx (a
   * replica going down, or one whose database is away) passes the call on to the next.
   */
  async #call(path: string, options: HttpCallOptions): Promise<HttpCallResult> {
    const o = this.#o;
    const listed = typeof o.apiUrl === 'string' ? [o.apiUrl] : o.apiUrl();
    const candidates = [
      ...new Set([
        ...(this.#answeredBy && listed.includes(this.#answeredBy) ? [this.#answeredBy] : []),
        ...listed,
      ]),
    ];
    let failure: unknown = new Error('no control plane API to call');
    for (const apiUrl of candidates) {
      try {
        const token = o.accessToken?.();
        const response = await httpCall(
          `${apiUrl}${path}`,
          token ? { ...options, headers: { authorization: `Bearer ${token}` } } : options,
        );
        if (response.status >= 500 && apiUrl !== candidates.at(-1)) {
          failure = new Error(`${apiUrl}: ${response.status} ${messageOf(response.text)}`);
          continue;
        }
        this.#answeredBy = apiUrl;
        return response;
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  }
}

function messageOf(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body;
  }
}
