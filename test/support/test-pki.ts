// A throw-away certificate authority made with the openssl command line, so TLS tests trust certificates that no
// code of ours produced. Every key is EC P-256 and every file lives in one temp directory (0600 keys).
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether the openssl command is on PATH (tests that need it skip, saying so, when it is not). */
export async function haveOpenssl(): Promise<boolean> {
  try {
    await run('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
}

export interface IssuedCertificate {
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface LeafOptions {
  /** DNS subject alternative names. */
  readonly dnsNames?: readonly string[];
  /** URI subject alternative names (SPIFFE IDs). */
  readonly uris?: readonly string[];
  /** Validity in days (default 1). */
  readonly days?: number;
  /** Issue an intermediate CA (CA:TRUE, keyCertSign) instead of a leaf. */
  readonly ca?: boolean;
}

export interface TestPki {
  readonly dir: string;
  readonly ca: IssuedCertificate;
  /** Issues a leaf certificate (server and client auth) signed by this CA; `name` is its CN and file stem. */
  issue(name: string, options?: LeafOptions): Promise<IssuedCertificate>;
  /** Writes `pem` to a file in the PKI directory (e.g. a bundle or a replacement certificate). */
  write(fileName: string, pem: string): Promise<string>;
  cleanup(): Promise<void>;
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

async function loaded(certPath: string, keyPath: string): Promise<IssuedCertificate> {
  await chmod(keyPath, 0o600);
  return {
    certPath,
    keyPath,
    certPem: await readFile(certPath, 'utf8'),
    keyPem: await readFile(keyPath, 'utf8'),
  };
}

/** Creates a CA named `caName` in a fresh temp directory. */
export async function createTestPki(caName = 'Switchyard Test CA'): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-pki-'));
  const caCert = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  await run('openssl', [
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    caKey,
    '-out',
    caCert,
    '-days',
    '2',
    '-subj',
    `/CN=${caName}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const ca = await loaded(caCert, caKey);
  let serial = 0;
  return {
    dir,
    ca,
    async issue(name, options = {}) {
      const stem = join(dir, name.replace(/[^A-Za-z0-9_.-]/g, '_'));
      const sans = [
        ...(options.dnsNames ?? []).map((d) => `DNS:${d}`),
        ...(options.uris ?? []).map((u) => `URI:${u}`),
      ];
      const ext = options.ca
        ? ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign']
        : [
            'basicConstraints=critical,CA:FALSE',
            'keyUsage=critical,digitalSignature,keyEncipherment',
            'extendedKeyUsage=serverAuth,clientAuth',
            ...(sans.length > 0 ? [`subjectAltName=${sans.join(',')}`] : []),
          ];
      await writeFile(`${stem}.ext`, `${ext.join('\n')}\n`);
      await run('openssl', [
        'req',
        ...ecKey,
        '-keyout',
        `${stem}.key`,
        '-out',
        `${stem}.csr`,
        '-subj',
        `/CN=${name}`,
      ]);
      serial += 1;
      await run('openssl', [
        'x509',
        '-req',
        '-in',
        `${stem}.csr`,
        '-CA',
        caCert,
        '-CAkey',
        caKey,
        '-set_serial',
        String(serial),
        '-out',
        `${stem}.crt`,
        '-days',
        String(options.days ?? 1),
        '-extfile',
        `${stem}.ext`,
      ]);
      return loaded(`${stem}.crt`, `${stem}.key`);
    },
    async write(fileName, pem) {
      const path = join(dir, fileName);
      await writeFile(path, pem, { mode: 0o600 });
      return path;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
