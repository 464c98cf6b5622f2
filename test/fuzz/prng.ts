// A small seeded PRNG (a splitmix-style 32-bit mixer) so that every fuzz case can be replayed from its seed.

export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed | 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x9e3779b9) | 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** The seed for a run: FUZZ_SEED when set (to replay a failure), else a fixed one so `npm test` is repeatable. */
export function fuzzSeed(fallback: number): number {
  const fromEnv = process.env.FUZZ_SEED;
  return fromEnv === undefined || fromEnv === '' ? fallback : Number(fromEnv);
}

/** How many cases to run: FUZZ_CASES when set (`npm run fuzz`), else the bounded `npm test` budget. */
export function fuzzCases(fallback: number): number {
  const fromEnv = Number(process.env.FUZZ_CASES ?? '');
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}
