// Seeded randomness for the generators. Only arithmetic (no Math.log or Math.cos), so the same seed gives
// the same files on any platform.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { addDays, daysBetween } from '../../shared/domain/dates.js';
import type { IsoDate } from '../../shared/domain/model.js';

// FNV-1a: each entity gets its own random stream, so adding a service to the register leaves the others' data alone.
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash | 0;
}

export class Dice {
  private readonly rng: ReturnType<typeof xoroshiro128plus>;

  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed);
  }

  /** The stream of one named entity under a seed. */
  static forKey(seed: number, key: string): Dice {
    return new Dice(hash32(`${seed}|${key}`));
  }

  /** An independent stream for one entity, so its draws do not depend on how many another entity made. */
  fork(): Dice {
    return new Dice(this.int(-0x80000000, 0x7fffffff));
  }

  float(): number {
    return uniformFloat64(this.rng);
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  int(min: number, max: number): number {
    return uniformInt(this.rng, min, max);
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Approximately normal (the sum of four uniforms), bounded at about 3.5 standard deviations. */
  normal(mean: number, sd: number): number {
    const sum = this.float() + this.float() + this.float() + this.float();
    return mean + (sum - 2) * Math.sqrt(3) * sd;
  }

  weighted<T extends string>(weights: Readonly<Partial<Record<T, number>>>): T {
    const entries = Object.entries(weights) as [T, number][];
    let left = this.float() * entries.reduce((total, [, weight]) => total + weight, 0);
    for (const [value, weight] of entries) {
      left -= weight;
      if (left < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }

  /**
   * An index drawn in proportion to whole-number weights given as running totals (the last is the total), by
   * binary search: a draw among tens of thousands of owners costs a few steps, not a walk of the list.
   */
  cumulativeIndex(cumulative: readonly number[]): number {
    const draw = this.int(0, cumulative[cumulative.length - 1]! - 1);
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! > draw) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  date(from: IsoDate, to: IsoDate): IsoDate {
    return addDays(from, this.int(0, Math.max(0, daysBetween(from, to))));
  }
}
