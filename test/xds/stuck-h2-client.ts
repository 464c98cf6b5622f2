// A SotW ADS stream over bare HTTP/2 that stops reading, like a hung Envoy: its flow-control window fills and stays full.
import http2 from 'node:http2';
import { adsServiceDefinition } from '../../src/xds/protos/ads-service.ts';
import type { DiscoveryRequest, DiscoveryResponse__Output } from '../../src/xds/protos/message-types.ts';

const method = adsServiceDefinition().StreamAggregatedResources;

export class StuckSotwStream {
  readonly #session: http2.ClientHttp2Session;
  readonly #stream: http2.ClientHttp2Stream;
  #buffered = Buffer.alloc(0);
  #onMessage: ((m: DiscoveryResponse__Output) => void) | undefined;

  constructor(port: number, first: DiscoveryRequest) {
    this.#session = http2.connect(`http://127.0.0.1:${port}`);
    this.#stream = this.#session.request({
      ':method': 'POST',
      ':path': method.path,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    this.#stream.pause();
    const body = method.requestSerialize(first);
    const frame = Buffer.alloc(5 + body.length);
    frame.writeUInt32BE(body.length, 1);
    body.copy(frame, 5);
    this.#stream.write(frame);
  }

  /** Starts reading again; resolves with the first response `accept` approves, counting how many arrived. */
  resumeUntil(accept: (m: DiscoveryResponse__Output) => boolean, timeoutMs = 10000): Promise<number> {
    let seen = 0;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no accepted response within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#onMessage = (m) => {
        seen++;
        if (accept(m)) {
          clearTimeout(timer);
          this.#onMessage = undefined;
          resolve(seen);
        }
      };
      this.#stream.on('data', (chunk: Buffer) => this.#receive(chunk));
      this.#stream.resume();
    });
  }

  close(): void {
    this.#stream.close();
    this.#session.destroy();
  }

  #receive(chunk: Buffer): void {
    this.#buffered = Buffer.concat([this.#buffered, chunk]);
    while (this.#buffered.length >= 5) {
      const length = this.#buffered.readUInt32BE(1);
      if (this.#buffered.length < 5 + length) return;
      const message = method.responseDeserialize(this.#buffered.subarray(5, 5 + length));
      this.#buffered = this.#buffered.subarray(5 + length);
      this.#onMessage?.(message);
    }
  }
}
