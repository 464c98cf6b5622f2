// Looks at a TLS listener from outside: the certificate it presents, and whether it answers plaintext at all.
import net from 'node:net';
import tls from 'node:tls';

export interface PresentedCertificate {
  readonly serialNumber: string;
  readonly subjectAltName: string;
  readonly validTo: string;
}

export interface TlsProbeOptions {
  /** Trusted CA PEM; without it the chain is not checked (we only look at what is presented). */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly servername?: string;
  readonly alpn?: readonly string[];
  readonly timeoutMs?: number;
}

/** Completes a handshake with 127.0.0.1:`port` and returns the server's leaf certificate. */
export function presentedCertificate(
  port: number,
  options: TlsProbeOptions = {},
): Promise<PresentedCertificate> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      rejectUnauthorized: false,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.cert === undefined ? {} : { cert: options.cert, key: options.key }),
      ...(options.servername === undefined ? {} : { servername: options.servername }),
      ...(options.alpn === undefined ? {} : { ALPNProtocols: [...options.alpn] }),
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)));
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      socket.destroy();
      resolve({
        serialNumber: peer.serialNumber,
        subjectAltName: peer.subjectaltname ?? '',
        validTo: peer.valid_to,
      });
    });
    socket.once('error', reject);
  });
}

/**
 * Sends a plaintext HTTP/1.1 request to 127.0.0.1:`port` and resolves with the status line, or with `closed` when
 * the connection ends without any HTTP answer (what a TLS-only listener does).
 */
export function plaintextAnswer(port: number, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no answer or close within ${timeoutMs} ms`)),
    );
    socket.on('connect', () => socket.write('GET / HTTP/1.1\r\nhost: probe\r\nconnection: close\r\n\r\n'));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    socket.on('close', () => resolve(received.startsWith('HTTP/') ? received.split('\r\n')[0]! : 'closed'));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') resolve('closed');
      else reject(error);
    });
  });
}
