/**
 * Seeded randomness for the sample generator. Everything the generator writes must follow from the
 * seed alone (same seed → byte-identical files), so nothing here reads the clock or Math.random.
 */

/** FNV-1a over the parts, then a murmur3 finaliser so nearby inputs give unrelated outputs. */
export function hash32(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = typeof part === "number" ? String(part) : part;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f; // separator, so ("ab","c") and ("a","bc") differ
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) that depends only on the parts: for stable per-cell decisions. */
export function unitHash(...parts: readonly (string | number)[]): number {
  return hash32(...parts) / 4294967296;
}

/**
 * Integer-only hash of two numbers to [0, 1): the per-cell quirk decisions run tens of millions of
 * times when the benchmark files are written, where string hashing would dominate.
 */
export function mixUnit(a: number, b: number): number {
  let h = Math.imul(a ^ Math.imul(b + 0x7f4a7c15, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** xoshiro128** seeded through splitmix32; small, fast and good enough for synthetic data. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;

  constructor(seed: number | string) {
    let s = typeof seed === "number" ? seed >>> 0 : hash32(seed);
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
  }

  /** An independent stream for one concern, so adding draws in one place leaves the others alone. */
  fork(label: string | number): Random {
    return new Random(hash32(this.uint32(), label));
  }

  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick: expected a non-empty list, got an empty one");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Pick by relative weight; for repeated draws from the same list use {@link WeightedTable}. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    return new WeightedTable(entries).sample(this);
  }

  normal(mean = 0, sd = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + sd * z;
    }
    // Box–Muller; 1 - next() keeps the logarithm finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.next()));
    const theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    return mean + sd * r * Math.cos(theta);
  }

  /** Log-normal given its median (not its mean), which is the number people reason about. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** A string of decimal digits, the first one non-zero. */
  digits(length: number): string {
    let text = String(this.int(1, 9));
    while (text.length < length) text += String(this.int(0, 9));
    return text;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Cumulative weights for fast repeated weighted picks. */
export class WeightedTable<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.items = [];
    this.cumulative = [];
    let total = 0;
    for (const [item, weight] of entries) {
      if (!(weight >= 0)) throw new Error(`weighted: expected a weight >= 0, got ${weight}`);
      if (weight === 0) continue;
      total += weight;
      this.items.push(item);
      this.cumulative.push(total);
    }
    if (total === 0) throw new Error("weighted: expected at least one positive weight");
    this.total = total;
  }

  sample(random: Random): T {
    return this.at(random.next());
  }

  /** The item at quantile u ∈ [0, 1); lets hashed (stateless) draws use the same table. */
  at(u: number): T {
    const target = u * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}

/**
 * Unique, random-looking fixed-width numbers: an affine map n → (a·n + b) mod 10^digits with `a`
 * coprime to 10 is a bijection, so distinct counters can never collide (IDs are > 2^53, hence BigInt).
 */
export function idSpace(seed: number, label: string, digits: number): (n: number) => string {
  const modulus = 10n ** BigInt(digits);
  let a = ((BigInt(hash32(seed, label, "a")) << 32n) | BigInt(hash32(seed, label, "b"))) % modulus;
  if (a % 2n === 0n) a += 1n;
  if (a % 5n === 0n) a += 2n;
  const b = ((BigInt(hash32(seed, label, "c")) << 32n) | BigInt(hash32(seed, label, "d"))) % modulus;
  return (n) => ((BigInt(n) * a + b) % modulus).toString().padStart(digits, "0");
}
