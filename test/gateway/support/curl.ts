// curl, when the machine has it: the client the "done means" names.
import { execFile, execFileSync } from 'node:child_process';

function probe(): boolean {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const hasCurl = probe();

export interface CurlAnswer {
  readonly status: number;
  readonly body: string;
}

/** Runs curl with `args` (a URL among them); the status comes from `-w`, so the body is everything before it. */
export function curl(args: readonly string[]): Promise<CurlAnswer> {
  const marker = '\n__status__';
  return new Promise((resolve, reject) => {
    execFile(
      'curl',
      ['-sS', '--max-time', '10', '-w', `${marker}%{http_code}`, ...args],
      { encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`curl ${args.join(' ')}: ${stderr}`, { cause: error }));
        const at = stdout.lastIndexOf(marker);
        resolve({ status: Number(stdout.slice(at + marker.length)), body: stdout.slice(0, at) });
      },
    );
  });
}
