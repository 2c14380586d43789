// A Poisson count for the generated history, by arithmetic alone (no Math.exp), so that, like the Dice, the
// same seed gives the same history on any platform.
import type { Dice } from '../sample/dice.js';

/** e^-x for x >= 0: halved until small, a Taylor series, then squared back. */
function expNeg(x: number): number {
  let halvings = 0;
  let y = x;
  while (y > 0.5) {
    y /= 2;
    halvings++;
  }
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= 16; n++) {
    term *= -y / n;
    sum += term;
  }
  for (let i = 0; i < halvings; i++) sum *= sum;
  return sum;
}

/** Above this mean a count is drawn as a sum of counts, since e^-mean would underflow. */
const LARGEST_PART = 50;

/** A count drawn from a Poisson distribution of the given mean, by inversion of a uniform draw for each part. */
export function poisson(stream: Dice, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > LARGEST_PART) return poisson(stream, LARGEST_PART) + poisson(stream, mean - LARGEST_PART);
  const u = stream.float();
  let p = expNeg(mean);
  let cumulative = p;
  let k = 0;
  // The bound only guards against rounding leaving the cumulative sum a hair below 1.
  while (u >= cumulative && k < 20 + 10 * mean) {
    k++;
    p *= mean / k;
    cumulative += p;
  }
  return k;
}
