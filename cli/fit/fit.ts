// Fitting the two parts of the calibrated likelihood and choosing its band cut-offs, on training data only.
import { auc } from '../../shared/domain/backtest-metrics.js';
import {
  type Calibration,
  FAMILY_FEATURES,
  logistic,
  logit,
  RATING_FEATURES,
  ratingLogOdds,
} from '../../shared/domain/calibration.js';
import { SERVICE_KINDS } from '../../shared/domain/model.js';
import type { FamilyRow } from './history-part.js';
import { fitLogistic } from './logistic.js';
import type { LocationHistory } from '../backtest/real-history.js';
import { type LocationQuarter, locationQuarters, naiveScore } from './real-ratings.js';

/**
 * The L2 penalty on every coefficient but the intercepts: a weak prior (a coefficient of 1 costs as much as
 * half an observation), there to keep a rare indicator from running off rather than to shrink the rest.
 */
export const L2 = 1;

export interface Coefficient {
  term: string;
  estimate: number;
  standardError: number;
}

export interface SetSummary {
  rows: number;
  positives: number;
  auc: number | null;
}

export interface RatingPartFit {
  part: Calibration['ratingPart'];
  coefficients: Coefficient[];
  training: SetSummary & { naiveAuc: number | null };
  heldOut: SetSummary & { naiveAuc: number | null };
}

const ratingRow = (q: LocationQuarter): number[] => [1, ...RATING_FEATURES.map((f) => q.features[f])];

/**
 * Rated Inadequate within 12 months on the rating features, fitted on the training half's location-quarters
 * only; the held-out half is scored with the frozen coefficients, next to the naive baseline.
 */
export function fitRatingPart(locations: readonly LocationHistory[]): RatingPartFit {
  const training = locationQuarters(locations, 'training');
  const heldOut = locationQuarters(locations, 'held-out');
  if (!training.some((q) => q.positive)) throw new Error('the training half holds no Inadequate rating to learn from');
  const fit = fitLogistic(training.map(ratingRow), training.map((q) => (q.positive ? 1 : 0)), { l2: L2, penalised: [false, ...RATING_FEATURES.map(() => true)] });
  const [intercept, ...rest] = fit.coefficients;
  const positives = training.filter((q) => q.positive).length;
  const part: Calibration['ratingPart'] = {
    target: 'rated Inadequate within 12 months (community services, real CQC ratings)',
    intercept: intercept!,
    coefficients: Object.fromEntries(RATING_FEATURES.map((f, i) => [f, rest[i]!])) as Calibration['ratingPart']['coefficients'],
    unratedLogOdds: logit(positives / training.length),
  };
  const summary = (rows: readonly LocationQuarter[]) => ({
    rows: rows.length,
    positives: rows.filter((q) => q.positive).length,
    auc: auc(rows.map((q) => ({ score: ratingLogOdds(q.features, { ratingPart: part }), positive: q.positive }))),
    naiveAuc: auc(rows.map((q) => ({ score: naiveScore(q), positive: q.positive }))),
  });
  return {
    part,
    coefficients: ['intercept', ...RATING_FEATURES].map((term, i) => ({ term, estimate: fit.coefficients[i]!, standardError: fit.standardErrors[i]! })),
    training: summary(training),
    heldOut: summary(heldOut),
  };
}

export interface FamilyPartFit {
  part: Omit<Calibration['familyPart'], 'familyScoresFrom'>;
  coefficients: Coefficient[];
  /** Each training row's fitted probability, for the cut-offs. */
  probabilities: number[];
  training: SetSummary & { likelihoodAuc: number | null; ratingOnlyAuc: number | null };
}

/**
 * Failure within 12 months on the service kind (an intercept each) and the family features, with the rating
 * part's log-odds as a fixed offset: the real data sets how much a rating history says, the generated history
 * what the other families add to it.
 */
export function fitFamilyPart(rows: readonly FamilyRow[], ratingPart: Calibration['ratingPart']): FamilyPartFit {
  const design = rows.map((r) => [...SERVICE_KINDS.map((k) => (r.serviceKind === k ? 1 : 0)), ...FAMILY_FEATURES.map((f) => r.family[f])]);
  const offset = rows.map((r) => ratingLogOdds(r.rating, { ratingPart }));
  const y = rows.map((r) => (r.positive ? 1 : 0));
  const fit = fitLogistic(design, y, { offset, l2: L2, penalised: [...SERVICE_KINDS.map(() => false), ...FAMILY_FEATURES.map(() => true)] });
  const b = fit.coefficients;
  const probabilities = design.map((x, i) => logistic(x.reduce((sum, v, j) => sum + v * b[j]!, offset[i]!)));
  const terms = [...SERVICE_KINDS.map((k) => `intercept (${k})`), ...FAMILY_FEATURES];
  return {
    part: {
      interceptByServiceKind: Object.fromEntries(SERVICE_KINDS.map((k, i) => [k, b[i]!])) as Calibration['familyPart']['interceptByServiceKind'],
      coefficients: Object.fromEntries(FAMILY_FEATURES.map((f, i) => [f, b[SERVICE_KINDS.length + i]!])) as Calibration['familyPart']['coefficients'],
    },
    coefficients: terms.map((term, i) => ({ term, estimate: b[i]!, standardError: fit.standardErrors[i]! })),
    probabilities,
    training: {
      rows: rows.length,
      positives: y.filter(Boolean).length,
      auc: auc(probabilities.map((p, i) => ({ score: p, positive: rows[i]!.positive }))),
      likelihoodAuc: auc(rows.map((r) => ({ score: r.likelihood, positive: r.positive }))),
      ratingOnlyAuc: auc(offset.map((o, i) => ({ score: o, positive: rows[i]!.positive }))),
    },
  };
}

/** The rule the cut-offs follow, stated in the calibration. */
export const BAND_RULE = {
  /**
   * Red from the lowest probability at which the training rows at or above it failed within 12 months at least
   * this often: about the precision risk-model-2's Red reached in the backtest (31.4%), so Red stays as sure.
   */
  redPrecision: 0.3,
  /** Amber from this multiple of the training base rate. */
  amberTimesBaseRate: 2,
} as const;

export const bandRuleText = (): string =>
  `Red from the lowest predicted probability at which the training location-months at or above it were followed by a failure within 12 months at least ${100 * BAND_RULE.redPrecision}% of the time; Amber from ${BAND_RULE.amberTimesBaseRate} times the training base rate (the share of training location-months followed by a failure within 12 months).`;

/** Cut-offs on the training rows' fitted probabilities, by `BAND_RULE`. */
export function chooseBands(points: readonly { p: number; positive: boolean }[]): { amberFrom: number; redFrom: number } {
  const sorted = [...points].sort((a, b) => b.p - a.p);
  const baseRate = sorted.filter((x) => x.positive).length / sorted.length;
  let positives = 0;
  let redFrom: number | null = null;
  sorted.forEach((x, i) => {
    positives += x.positive ? 1 : 0;
    // A cut-off is only between distinct probabilities, so ties are all in or all out.
    const boundary = i === sorted.length - 1 || sorted[i + 1]!.p < x.p;
    if (boundary && positives / (i + 1) >= BAND_RULE.redPrecision) redFrom = x.p;
  });
  if (redFrom === null) throw new Error(`no cut-off reaches a training precision of ${BAND_RULE.redPrecision}: the fit separates too little for a Red band`);
  const amberFrom = Math.min(BAND_RULE.amberTimesBaseRate * baseRate, redFrom);
  return { amberFrom, redFrom };
}
