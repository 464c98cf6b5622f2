// Typed registry failures; the HTTP layer turns each into its status code in one place.

import type { Violation } from '../model/shape.ts';

/** Input that breaks the registry's rules; carries every violation with its field path. */
export class RegistryValidationError extends Error {
  readonly violations: readonly Violation[];
  constructor(violations: readonly Violation[], options?: ErrorOptions) {
    super(violations.map((v) => (v.path === '' ? v.message : `${v.path} ${v.message}`)).join('; '), options);
    this.name = 'RegistryValidationError';
    this.violations = violations;
  }
}

export class RegistryNotFoundError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RegistryNotFoundError';
  }
}

/** The request clashes with the registry's current state (e.g. deleting a namespace that still has services). */
export class RegistryConflictError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RegistryConflictError';
  }
}

/** A write would take the registry past one of its limits (instances per service). */
export class RegistryLimitExceededError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RegistryLimitExceededError';
  }
}
