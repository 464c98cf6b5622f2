// Validation failures of Envoy resources, collected with field paths so the xDS client can NACK precisely.

/** Thrown by the decoders; `message` lists every violation and is suitable as a NACK `error_detail`. */
export class ConfigError extends Error {
  readonly violations: readonly string[];
  constructor(subject: string, violations: readonly string[], options?: ErrorOptions) {
    super(`invalid ${subject}: ${violations.join('; ')}`, options);
    this.name = 'ConfigError';
    this.violations = violations;
  }
}

/** Accumulates violations while a resource is decoded, so all of them are reported together. */
export class Violations {
  readonly #list: string[] = [];

  add(path: string, message: string): void {
    this.#list.push(`${path}: ${message}`);
  }

  get count(): number {
    return this.#list.length;
  }

  throwIfAny(subject: string): void {
    if (this.#list.length > 0) throw new ConfigError(subject, this.#list);
  }
}
