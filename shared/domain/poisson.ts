// The upper tail of a Poisson distribution: how surprising a count is against the count expected of it.

/** ln(n!), summed: the counts tested here are a service's concerns in a year, never large. */
function logFactorial(n: number): number {
  let sum = 0;
  for (let i = 2; i <= n; i++) sum += Math.log(i);
  return sum;
}

/**
 * P(X >= observed) for X ~ Poisson(expected): the one-sided p-value of a count at least this high. Summed from
 * the nearer end so that a tiny tail keeps its precision instead of being lost in 1 - (almost 1).
 */
export function poissonUpperTail(observed: number, expected: number): number {
  if (!Number.isInteger(observed)) throw new RangeError(`a count must be a whole number, not ${observed}`);
  if (!(expected >= 0)) throw new RangeError(`an expected count must be 0 or more, not ${expected}`);
  if (observed <= 0) return 1;
  if (expected === 0) return 0;
  const pmf = (k: number) => Math.exp(k * Math.log(expected) - expected - logFactorial(k));
  if (observed > expected) {
    // Terms fall from `observed` upward, each mean / (k + 1) of the last.
    let sum = 0;
    for (let k = observed, term = pmf(observed); term > sum * Number.EPSILON; k++) {
      sum += term;
      term *= expected / (k + 1);
    }
    return Math.min(1, sum);
  }
  // At or below the mean the tail is large: 1 - P(X <= observed - 1), summed downward from its largest term.
  let below = 0;
  for (let k = observed - 1, term = pmf(observed - 1); k >= 0 && term > below * Number.EPSILON; k--) {
    below += term;
    term *= k / expected;
  }
  return Math.max(0, 1 - below);
}
