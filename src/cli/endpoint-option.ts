// The global `--endpoint` option and the API client every everyday command builds from it.

import type { Command } from 'commander';
import { Option } from 'commander';
import { AppMeshClient, signingFromEnv } from './api-client.ts';
import { CliError } from './cli-error.ts';

export const defaultEndpoint = 'http://127.0.0.1:9080';

/** The option the program declares once; subcommands read it with `optsWithGlobals()`. */
export function endpointOption(): Option {
  return new Option('--endpoint <url>', 'App Mesh API of the control plane')
    .env('SWITCHYARD_ENDPOINT')
    .default(defaultEndpoint);
}

export function clientFor(command: Command): AppMeshClient {
  const { endpoint } = command.optsWithGlobals<{ endpoint?: string }>();
  return new AppMeshClient(
    parseEndpoint(endpoint ?? process.env.SWITCHYARD_ENDPOINT ?? defaultEndpoint),
    signingFromEnv(),
  );
}

/** `127.0.0.1:9080` would reach fetch as a URL of scheme "127.0.0.1": say so before any request. */
export function parseEndpoint(endpoint: string): string {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.host === '') {
    throw new CliError(
      `--endpoint must be an http:// or https:// URL, got ${JSON.stringify(endpoint)}: pass --endpoint http://${endpoint.replace(/^[a-z]+:\/\//i, '')}`,
    );
  }
  return endpoint;
}
