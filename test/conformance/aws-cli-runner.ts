// Conformance support: runs the Debian-packaged AWS CLI v2 against a local control plane in an isolated env.

import { spawn } from 'node:child_process';
import { access, constants, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Debian's CLI v2; the `aws` first on PATH may be a pip-installed v1, which is not what we test. */
export const awsCliPath = '/usr/bin/aws';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Only what the CLI needs: nothing from the caller's AWS config, profile or instance metadata leaks in. */
function isolatedEnv(home: string, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'aws-credentials'),
    AWS_ACCESS_KEY_ID: 'AKIDSWITCHYARDTEST',
    AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...overrides,
  };
}

function run(
  args: readonly string[],
  home: string,
  timeoutMs = 60_000,
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(awsCliPath, args, { env: isolatedEnv(home, env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${awsCliPath} ${args.join(' ')}`, { cause: error }));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Why the CLI tests cannot run here, or undefined when /usr/bin/aws is a working AWS CLI v2. */
export async function cliV2SkipReason(home: string): Promise<string | undefined> {
  try {
    await access(awsCliPath, constants.X_OK);
  } catch {
    return `${awsCliPath} is not installed (apt-get install awscli gives AWS CLI v2 on Debian 12)`;
  }
  const version = await run(['--version'], home).catch((error: unknown) => ({
    code: -1,
    stdout: '',
    stderr: String(error),
  }));
  const text = `${version.stdout}${version.stderr}`.trim();
  if (version.code !== 0 || !text.startsWith('aws-cli/2')) {
    return `${awsCliPath} is not AWS CLI v2: ${text || `exit ${version.code}`}`;
  }
  return undefined;
}

export interface AwsCli {
  /** Runs `aws appmesh <args> --endpoint-url <cp> --output json`. */
  appmesh(...args: string[]): Promise<CliResult>;
  /** Like appmesh, but asserts success and returns the parsed JSON stdout ({} when empty). */
  appmeshJson(...args: string[]): Promise<Record<string, unknown>>;
  /** Writes `value` as JSON into the isolated home and returns a `file://` URL for --spec/--cli-input-json. */
  file(name: string, value: unknown): Promise<string>;
}

/** `env` overrides the isolated environment, e.g. another AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
export function awsCli(endpoint: string, home: string, env: NodeJS.ProcessEnv = {}): AwsCli {
  const appmesh = (...args: string[]) =>
    run(['appmesh', ...args, '--endpoint-url', endpoint, '--output', 'json'], home, 60_000, env);
  return {
    appmesh,
    async appmeshJson(...args) {
      const result = await appmesh(...args);
      if (result.code !== 0) {
        throw new Error(`aws appmesh ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      }
      return result.stdout.trim() === '' ? {} : (JSON.parse(result.stdout) as Record<string, unknown>);
    },
    async file(name, value) {
      const file = path.join(home, name);
      await writeFile(file, JSON.stringify(value, null, 2));
      return `file://${file}`;
    },
  };
}
