// Proof that nothing else is pending on a stream: ask for a fresh barrier resource and expect it as the next message.
import assert from 'node:assert/strict';
import type { DeltaStream, SotwStream } from './ads-test-client.ts';
import { barrierType } from './fixtures.ts';

/** The server handles requests in order and sends Envoy types before the barrier type, so a leftover would come first. */
export class SotwBarrier {
  readonly #names: string[] = [];
  #nonce = '';

  async pass(stream: SotwStream, why: string): Promise<void> {
    this.#names.push(`b${this.#names.length}`);
    stream.send({ type_url: barrierType, resource_names: this.#names, response_nonce: this.#nonce });
    const res = await stream.inbox.next(`the barrier (${why})`);
    assert.equal(
      res.type_url,
      barrierType,
      `expected nothing before the barrier (${why}), got ${res.type_url}`,
    );
    this.#nonce = res.nonce;
  }
}

export class DeltaBarrier {
  #n = 0;

  async pass(stream: DeltaStream, why: string): Promise<void> {
    stream.send({ type_url: barrierType, resource_names_subscribe: [`b${this.#n++}`] });
    const res = await stream.inbox.next(`the barrier (${why})`);
    assert.equal(
      res.type_url,
      barrierType,
      `expected nothing before the barrier (${why}), got ${res.type_url}`,
    );
    stream.send({ type_url: barrierType, response_nonce: res.nonce });
  }
}
