// The one place where a registry failure becomes an HTTP status and a JSON `{message}` body.

import type { Violation } from '../../model/shape.ts';
import {
  RegistryConflictError,
  RegistryLimitExceededError,
  RegistryNotFoundError,
  RegistryValidationError,
} from '../registry-errors.ts';

export interface ErrorAnswer {
  readonly status: number;
  readonly body: { readonly message: string; readonly violations?: readonly Violation[] };
  /** True when the failure is ours, not the client's, and belongs in the log. */
  readonly unexpected: boolean;
}

/** Thrown by the router for paths and methods it does not serve. */
export class RegistryHttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'RegistryHttpError';
    this.status = status;
  }
}

export function toErrorAnswer(error: unknown, requestId: string): ErrorAnswer {
  if (error instanceof RegistryValidationError) {
    return { status: 400, body: { message: error.message, violations: error.violations }, unexpected: false };
  }
  if (error instanceof RegistryNotFoundError)
    return { status: 404, body: { message: error.message }, unexpected: false };
  // A full service is a clash with the registry's current state: the same request succeeds once room is made.
  if (error instanceof RegistryConflictError || error instanceof RegistryLimitExceededError)
    return { status: 409, body: { message: error.message }, unexpected: false };
  if (error instanceof RegistryHttpError) {
    return { status: error.status, body: { message: error.message }, unexpected: false };
  }
  const framework = error as { statusCode?: unknown; message?: unknown };
  // fastify's own client errors (body too large, malformed request) carry their status.
  if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    return { status: framework.statusCode, body: { message: String(framework.message) }, unexpected: false };
  }
  if ((error as Error | undefined)?.name === 'StoreUnavailableError') {
    return {
      status: 503,
      body: { message: `The registry is unavailable; retry later (request ${requestId})` },
      unexpected: true,
    };
  }
  return {
    status: 500,
    body: { message: `Internal error; the control plane log has the details (request ${requestId})` },
    unexpected: true,
  };
}
