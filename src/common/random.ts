/**
 * Seeded pseudo-random numbers, so a comparison computed twice gives the same interval (reports
 * must not change when rebuilt). mulberry32: small, fast, and plenty for resampling indices.
 */
export type Random = () => number;

// Module-level alias: a global lookup of `Math` on every call is ~15x slower inside a vm context
// (Jest runs tests in one), and this runs millions of times per comparison batch.
const imul = Math.imul;

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 32-bit FNV-1a of a string: derives a per-comparison seed from its case key and metric. */
export function seedFromString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Standard normal draw (Box-Muller), for simulations in tests and benchmarks. */
export function normal(random: Random, mean = 0, sd = 1): number {
  const u = 1 - random();
  const v = random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Integers and shuffles over mulberry32, for the matrix reduction (same rows for the same seed everywhere). */
export class Rng {
  private readonly random: Random;

  constructor(seed: number) {
    this.random = mulberry32((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
  }

  next(): number {
    return this.random();
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}
