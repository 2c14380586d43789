// Change detectors on monthly series. Both are textbook statistical process control:
// EWMA (Roberts 1959; Montgomery, Introduction to Statistical Quality Control, ch. 9) to catch a
// sustained rise in safeguarding concerns; one-sided CUSUM (Page 1954) to catch a falling occupancy.

export interface EwmaParameters {
  /** Smoothing weight of the newest point, 0-1. 0.2 detects small sustained shifts well. */
  lambda: number;
  /** Width of the control limit in standard deviations of the EWMA statistic. */
  L: number;
}

export interface TrendResult {
  /** True when the latest point lies beyond the control limit. */
  signalled: boolean;
  /** The detector's statistic at the latest point (EWMA value or CUSUM sum). */
  statistic: number;
  /** The limit it was compared with. */
  limit: number;
}

/**
 * Upper EWMA chart: signals when the smoothed series rises above target + L sigma_z, where
 * sigma_z^2 = sigma^2 * lambda / (2 - lambda) * (1 - (1 - lambda)^(2t)) (the exact, time-varying limit).
 */
export function ewmaRise(series: readonly number[], target: number, sigma: number, params: EwmaParameters): TrendResult {
  let z = target;
  let limit = target;
  series.forEach((x, index) => {
    z = params.lambda * x + (1 - params.lambda) * z;
    const t = index + 1;
    const spread = sigma * Math.sqrt((params.lambda / (2 - params.lambda)) * (1 - (1 - params.lambda) ** (2 * t)));
    limit = target + params.L * spread;
  });
  return { signalled: series.length > 0 && sigma > 0 && z > limit, statistic: z, limit };
}

export interface CusumParameters {
  /** Allowance (slack) in standard deviations: shifts smaller than k sigma are ignored. */
  k: number;
  /** Decision interval in standard deviations. */
  h: number;
}

/**
 * Lower one-sided CUSUM: S_t = max(0, S_{t-1} + (target - x_t) - k sigma); signals when S_t > h sigma at
 * the latest point, i.e. the series has been falling below target for long enough to be more than noise.
 */
export function cusumFall(series: readonly number[], target: number, sigma: number, params: CusumParameters): TrendResult {
  let sum = 0;
  for (const x of series) sum = Math.max(0, sum + (target - x) - params.k * sigma);
  const limit = params.h * sigma;
  return { signalled: sigma > 0 && sum > limit, statistic: sum, limit };
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
