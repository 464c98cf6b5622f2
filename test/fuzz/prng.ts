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

/** `npm run fuzz` sets FUZZ_SCALE: every fuzz test runs that many times its bounded `npm test` budget. */
function fuzzScale(): number {
  const scale = Number(process.env.FUZZ_SCALE ?? '');
  return Number.isFinite(scale) && scale > 0 ? scale : 1;
}

/**
 * The seed for a run: FUZZ_SEED when set (to replay a failure); a fixed one under `npm test` so that it is
 * repeatable; a fresh one, printed, under `npm run fuzz` so that long runs explore.
 */
export function fuzzSeed(fixed: number): number {
  const fromEnv = process.env.FUZZ_SEED;
  if (fromEnv !== undefined && fromEnv !== '') return Number(fromEnv);
  if (fuzzScale() === 1) return fixed;
  const seed = Date.now() % 2 ** 31;
  console.log(`fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`);
  return seed;
}

/** How many cases to run: `budget` under `npm test`, FUZZ_SCALE times more under `npm run fuzz`. */
export function fuzzCases(budget: number): number {
  return Math.round(budget * fuzzScale());
}
