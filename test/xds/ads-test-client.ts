// A raw ADS client for protocol tests: one gRPC channel, SotW and delta streams whose messages are awaited with deadlines.
import * as grpc from '@grpc/grpc-js';
import { adsServiceDefinition } from '../../src/xds/protos/ads-service.ts';
import type {
  DeltaDiscoveryRequest,
  DeltaDiscoveryResponse__Output,
  DiscoveryRequest,
  DiscoveryResponse__Output,
  Node,
} from '../../src/xds/protos/message-types.ts';

const defaultWaitMs = 5000;

/** Messages of one stream in arrival order; `next` waits for one with a deadline, `closed` for the final status. */
export class StreamInbox<Res> {
  readonly #queue: Res[] = [];
  #waiter: ((m: Res) => void) | undefined;
  #ended: grpc.StatusObject | undefined;
  #onEnd: ((s: grpc.StatusObject) => void)[] = [];

  constructor(call: NodeJS.EventEmitter) {
    call.on('data', (m: Res) => {
      const w = this.#waiter;
      this.#waiter = undefined;
      if (w !== undefined) w(m);
      else this.#queue.push(m);
    });
    call.on('status', (s: grpc.StatusObject) => this.#end(s));
    call.on('error', (e: grpc.ServiceError) =>
      this.#end({ code: e.code, details: e.details, metadata: e.metadata }),
    );
  }

  get pending(): number {
    return this.#queue.length;
  }

  next(what = 'a response', timeoutMs = defaultWaitMs): Promise<Res> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#ended !== undefined)
      return Promise.reject(new Error(`stream ended (${this.#ended.details}) before ${what}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiter = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
    });
  }

  closed(timeoutMs = defaultWaitMs): Promise<grpc.StatusObject> {
    if (this.#ended !== undefined) return Promise.resolve(this.#ended);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stream still open after ${timeoutMs} ms`)), timeoutMs);
      this.#onEnd.push((s) => {
        clearTimeout(timer);
        resolve(s);
      });
    });
  }

  #end(status: grpc.StatusObject): void {
    if (this.#ended !== undefined) return;
    this.#ended = status;
    for (const f of this.#onEnd) f(status);
  }
}

export interface SotwStream {
  readonly call: grpc.ClientDuplexStream<DiscoveryRequest, DiscoveryResponse__Output>;
  readonly inbox: StreamInbox<DiscoveryResponse__Output>;
  send(req: DiscoveryRequest): void;
}

export interface DeltaStream {
  readonly call: grpc.ClientDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse__Output>;
  readonly inbox: StreamInbox<DeltaDiscoveryResponse__Output>;
  send(req: DeltaDiscoveryRequest): void;
}

export function testNode(id: string): Node {
  return {
    id,
    cluster: 'test',
    locality: {},
    user_agent_name: 'switchyard-test-client',
    user_agent_version: '0.0.1',
  };
}

export class AdsTestClient {
  readonly #client: grpc.Client;
  readonly #calls: { cancel(): void }[] = [];

  /** `credentials`: TLS (and a client certificate) for servers that need them; plaintext by default. */
  constructor(port: number, credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure()) {
    const Ctor = grpc.makeGenericClientConstructor(
      adsServiceDefinition() as unknown as grpc.ServiceDefinition,
      'AggregatedDiscoveryService',
    );
    // A private subchannel per client, so separate clients really use separate connections.
    this.#client = new Ctor(`127.0.0.1:${port}`, credentials, {
      'grpc.use_local_subchannel_pool': 1,
    });
  }

  /** `metadata`: sent with the call (e.g. `authorization`). */
  sotw(metadata: grpc.Metadata = new grpc.Metadata()): SotwStream {
    const call = this.#client.makeBidiStreamRequest(
      adsServiceDefinition().StreamAggregatedResources.path,
      adsServiceDefinition().StreamAggregatedResources.requestSerialize,
      adsServiceDefinition().StreamAggregatedResources.responseDeserialize,
      metadata,
    );
    this.#calls.push(call);
    return { call, inbox: new StreamInbox(call), send: (req) => call.write(req) };
  }

  delta(metadata: grpc.Metadata = new grpc.Metadata()): DeltaStream {
    const m = adsServiceDefinition().DeltaAggregatedResources;
    const call = this.#client.makeBidiStreamRequest(
      m.path,
      m.requestSerialize,
      m.responseDeserialize,
      metadata,
    );
    this.#calls.push(call);
    return { call, inbox: new StreamInbox(call), send: (req) => call.write(req) };
  }

  close(): void {
    for (const c of this.#calls) c.cancel();
    this.#client.close();
  }
}
