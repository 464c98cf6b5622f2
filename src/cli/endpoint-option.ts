// The global `--endpoint` option and the API client every everyday command builds from it.

import type { Command } from 'commander';
import { Option } from 'commander';
import { AppMeshClient } from './api-client.ts';

export const defaultEndpoint = 'http://127.0.0.1:9080';

/** The option the program declares once; subcommands read it with `optsWithGlobals()`. */
export function endpointOption(): Option {
  return new Option('--endpoint <url>', 'App Mesh API of the control plane')
    .env('SWITCHYARD_ENDPOINT')
    .default(defaultEndpoint);
}

export function clientFor(command: Command): AppMeshClient {
  const { endpoint } = command.optsWithGlobals<{ endpoint?: string }>();
  return new AppMeshClient(endpoint ?? process.env.SWITCHYARD_ENDPOINT ?? defaultEndpoint);
}
