// Turns model validation violations into one BadRequestException naming every offending field.

import type { Violation } from '../model/shape.ts';
import { badRequest } from './api-error.ts';

export function throwIfViolations(violations: readonly Violation[]): void {
  if (violations.length === 0) return;
  const count = violations.length === 1 ? '1 validation error' : `${violations.length} validation errors`;
  const details = violations.map((v) => (v.path ? `${v.path} ${v.message}` : v.message)).join('; ');
  throw badRequest(`${count} detected: ${details}`);
}
