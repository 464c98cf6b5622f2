// Errors a CLI command reports to the user, and the one place that turns any failure into a message and exit code.

import { ApiClientError, ControlPlaneUnreachableError } from './api-client.ts';

/** An expected failure: printed as `error: <message>` (plus a hint), never with a stack. */
export class CliError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.hint = options.hint;
  }
}

function messageOf(error: unknown): string {
  if (
    error instanceof ApiClientError ||
    error instanceof CliError ||
    error instanceof ControlPlaneUnreachableError
  ) {
    return error.message;
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** Wraps a command action: failures become `error: ...` on stderr and exit code 1. */
export function runAction<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      process.stderr.write(`error: ${messageOf(error)}\n`);
      if (error instanceof CliError && error.hint) process.stderr.write(`hint: ${error.hint}\n`);
      if (process.env.SWITCHYARD_VERBOSE && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      process.exitCode = 1;
    }
  };
}
