// TLS clients nobody here wrote, for tests of our TLS listeners: `openssl s_client` and `curl`, run as processes.
import { execFile } from 'node:child_process';

export interface ProcessResult {
  /** Exit code; -1 when killed at the deadline. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runProcess(
  command: string,
  args: readonly string[],
  input: string,
  timeoutMs: number,
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      [...args],
      { timeout: timeoutMs, maxBuffer: 4 << 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

/** Whether `command` runs (`--version`), for tests that skip, saying so, without it. */
export async function haveCommand(command: string): Promise<boolean> {
  const r = await runProcess(command, command === 'openssl' ? ['version'] : ['--version'], '', 10_000);
  return r.code === 0;
}

/**
 * `openssl s_client -connect 127.0.0.1:<port>` with `args`, writing `input` then closing stdin. With `untilClosed`
 * (`-ign_eof`) the session stays open until the server closes it, so an answer to `input` is read whole; without,
 * s_client ends the session when `input` is sent (for a server that would keep the connection open).
 */
export function opensslClient(
  port: number,
  args: readonly string[],
  input = '',
  { untilClosed = true, timeoutMs = 20_000 }: { untilClosed?: boolean; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const keep = untilClosed ? ['-ign_eof'] : [];
  return runProcess(
    'openssl',
    ['s_client', '-connect', `127.0.0.1:${port}`, ...keep, ...args],
    input,
    timeoutMs,
  );
}

/** `curl -sS` with `args` (add `--cacert`, `--cert`, `--key`, `--http2` as the test needs). */
export function curl(args: readonly string[], timeoutMs = 20_000): Promise<ProcessResult> {
  return runProcess(
    'curl',
    ['-sS', '--max-time', String(Math.ceil(timeoutMs / 1000)), ...args],
    '',
    timeoutMs + 5_000,
  );
}
