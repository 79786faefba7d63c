/**
 * A small seeded pseudo-random generator, so that generated tasks and injected faults are the same on
 * every run and every machine. `Math.random` cannot be seeded, which would make a failing test
 * impossible to replay.
 */

/** A function returning the next number in [0, 1) of a seeded sequence. */
export type RandomSource = () => number;

/**
 * mulberry32: a 32-bit generator with a full 2^32 period, good enough for test data and much simpler
 * than a cryptographic generator (which test data does not need).
 *
 * @example
 * const next = mulberry32(42);
 * next(); // same value on every run
 */
export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mixes several integers into one 32-bit seed (the murmur3 finaliser after each part), so that the
 * generator for task 7 of seed 1 does not depend on how many tasks came before it: asking for 10 tasks
 * or for 10,000 gives the same first 10.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** An integer in [min, max], both inclusive. */
export function randomInt(next: RandomSource, min: number, max: number): number {
  return min + Math.floor(next() * (max - min + 1));
}

/** One element of a non-empty list, picked uniformly. */
export function pick<T>(next: RandomSource, items: readonly T[]): T {
  const item = items[Math.floor(next() * items.length)];
  if (item === undefined) throw new RangeError('pick() needs a non-empty list');
  return item;
}
