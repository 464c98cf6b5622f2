// Writes exact bytes to a loopback port and reads what comes back until the peer closes: the attacker's view.
import { connect } from 'node:net';

export interface RawAnswer {
  /** The status of the first response, 0 when none came. */
  readonly status: number;
  /** Everything the peer sent, as latin1. */
  readonly text: string;
}

/** Sends `bytes` (latin1) to 127.0.0.1:`port`, and resolves once the peer closes (at most `timeoutMs`). */
export function rawExchange(port: number, bytes: string, timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`the peer did not close within ${timeoutMs} ms`)),
    );
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
    socket.write(Buffer.from(bytes, 'latin1'));
  });
}
