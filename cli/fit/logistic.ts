// Logistic regression by Newton's method (iteratively reweighted least squares) with an L2 penalty and a
// fixed offset. Written here rather than taken from npm: the registry's maintained option,
// ml-logistic-regression 2.0.0, trains by plain gradient descent with a fixed step count and has no penalty,
// no offset and no standard errors, and the family part needs the rating part's log-odds as an offset.
// The link is the calibration's own `logistic`, so the fit and the frozen model score alike.
import { logistic } from '../../shared/domain/calibration.js';

export interface LogisticOptions {
  /** Each row's fixed log-odds, added with coefficient 1 (default 0). */
  offset?: readonly number[];
  /** L2 penalty: `l2 / 2 x sum(beta^2)` over the penalised coefficients. */
  l2?: number;
  /** Which coefficients the penalty applies to (default all); intercepts are usually left free. */
  penalised?: readonly boolean[];
  maxIterations?: number;
  /** Stop when no coefficient moves by more than this. */
  tolerance?: number;
}

export interface LogisticFit {
  coefficients: number[];
  /** From the inverse of the penalised information matrix at the fit. */
  standardErrors: number[];
  iterations: number;
  converged: boolean;
  /** The penalised log-likelihood at the fit. */
  logLikelihood: number;
}

/** log(1 + e^t) without overflow. */
const softplus = (t: number): number => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)));

/** Cholesky factor L (lower, row-major) of a symmetric positive definite p x p matrix. */
function cholesky(a: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * p + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * p + k]! * l[j * p + k]!;
      if (i === j) {
        if (sum <= 0) throw new Error('information matrix not positive definite: a feature is constant or duplicated (add an L2 penalty)');
        l[i * p + i] = Math.sqrt(sum);
      } else l[i * p + j] = sum / l[j * p + j]!;
    }
  }
  return l;
}

/** Solves L L' x = b. */
function solve(l: Float64Array, p: number, b: readonly number[]): number[] {
  const y = new Array<number>(p).fill(0);
  for (let i = 0; i < p; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * p + k]! * y[k]!;
    y[i] = sum / l[i * p + i]!;
  }
  const x = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < p; k++) sum -= l[k * p + i]! * x[k]!;
    x[i] = sum / l[i * p + i]!;
  }
  return x;
}

/**
 * Fits P(y = 1) = logistic(offset + x . beta). The rows carry their own intercept columns (a 1, or a one-hot
 * service kind), so the caller decides which are penalised.
 */
export function fitLogistic(rows: readonly (readonly number[])[], y: readonly number[], options: LogisticOptions = {}): LogisticFit {
  const n = rows.length;
  const p = rows[0]?.length ?? 0;
  if (n === 0 || p === 0 || y.length !== n) throw new Error('fitLogistic needs rows of features and one outcome a row');
  const { l2 = 0, maxIterations = 50, tolerance = 1e-8 } = options;
  const offset = options.offset ?? new Array<number>(n).fill(0);
  const penalty = Array.from({ length: p }, (_, j) => (options.penalised?.[j] ?? true ? l2 : 0));

  const objective = (beta: readonly number[]): number => {
    let ll = 0;
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      let eta = offset[i]!;
      for (let j = 0; j < p; j++) eta += row[j]! * beta[j]!;
      ll += y[i]! * eta - softplus(eta);
    }
    return ll - beta.reduce((sum, b, j) => sum + (penalty[j]! * b * b) / 2, 0);
  };

  let beta = new Array<number>(p).fill(0);
  let current = objective(beta);
  let information = new Float64Array(p * p);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const gradient = beta.map((b, j) => -penalty[j]! * b);
    information = new Float64Array(p * p);
    for (let j = 0; j < p; j++) information[j * p + j] = penalty[j]!;
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      let eta = offset[i]!;
      for (let j = 0; j < p; j++) eta += row[j]! * beta[j]!;
      const mu = logistic(eta);
      const w = mu * (1 - mu);
      const residual = y[i]! - mu;
      for (let j = 0; j < p; j++) {
        const xj = row[j]!;
        if (xj === 0) continue;
        gradient[j]! += xj * residual;
        for (let k = 0; k <= j; k++) information[j * p + k]! += w * xj * row[k]!;
      }
    }
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) information[k * p + j] = information[j * p + k]!;
    const step = solve(cholesky(information, p), p, gradient);
    // Newton's step, halved until the penalised likelihood does not fall (it rarely needs to).
    let scale = 1;
    let next = beta.map((b, j) => b + step[j]!);
    let value = objective(next);
    while (value < current - 1e-12 && scale > 1e-6) {
      scale /= 2;
      next = beta.map((b, j) => b + scale * step[j]!);
      value = objective(next);
    }
    converged = step.every((s) => Math.abs(scale * s) < tolerance);
    beta = next;
    current = value;
  }
  const factor = cholesky(information, p);
  const standardErrors = beta.map((_, j) => Math.sqrt(solve(factor, p, beta.map((__, k) => (k === j ? 1 : 0)))[j]!));
  return { coefficients: beta, standardErrors, iterations, converged, logLikelihood: current };
}
