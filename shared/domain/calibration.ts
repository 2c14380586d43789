// The calibrated likelihood (risk-model-3): a probability of failure within 12 months from a logistic model
// fitted by `npm run fit` and then frozen as configuration. Two parts add on the log-odds scale: a rating part
// fitted on real CQC rating histories, and a family part (service-kind intercepts and the other families'
// levels and 6-month trends) fitted on the generated history with the rating part as a fixed offset. Pure: no
// AWS and no cli imports, so scoring can use it as it is.
import * as z from 'zod/mini';
import { addMonths, daysBetween, monthsBetween } from './dates.js';
import {
  type Band,
  type FamilyResult,
  IsoDate,
  type Rating,
  type RiskAssessment,
  type ServiceKind,
  SERVICE_KINDS,
  type Signal,
} from './model.js';

/**
 * What the rating part reads of a location's rating history. Key questions are left out: the real file it is
 * fitted on has overall ratings only. Ownership is left out: the real file's sectors (For-profit, Third
 * sector, Local Authority) do not map onto the pipeline's `Provider.ownershipType` (CQC's legal form:
 * Organisation, Individual, Partnership), so a fitted sector effect could never be applied.
 */
export const RATING_FEATURES = [
  /** Current rating Requires improvement (or Inadequate, the worst level the fit sees); baseline Outstanding. */
  'requiresImprovement',
  /** Current rating Good; baseline Outstanding. */
  'good',
  /** Any rating in the history worse than the one before it. */
  'everDowngraded',
  /** The latest rating worse than the one before it. */
  'downgradedAtLatest',
  /** ln(1 + months since the latest rating), capped at 120 months. */
  'monthsSinceRating',
  /** ln(1 + years since registration), capped at 20 years. */
  'registrationYears',
] as const;
export type RatingFeature = (typeof RATING_FEATURES)[number];
export type RatingFeatures = Record<RatingFeature, number>;

/**
 * What the family part reads of an assessment. Scores are the family score / 100, 0 without data (with a
 * has-data indicator where a family can be missing); trends are the change in that score over 6 months, 0
 * unless the family had data at both dates. The quality family enters without its rating factors, which the
 * rating part covers: what is left is placement embargoes and CQC enforcement.
 */
export const FAMILY_FEATURES = [
  'qualityActions',
  'safeguarding',
  'financial',
  'occupancy',
  'workforce',
  'hasFinancial',
  'hasOccupancy',
  'hasWorkforce',
  'qualityActionsTrend',
  'safeguardingTrend',
  'financialTrend',
  'occupancyTrend',
  'workforceTrend',
] as const;
export type FamilyFeature = (typeof FAMILY_FEATURES)[number];
export type FamilyFeatures = Record<FamilyFeature, number>;

/** How far back the trend features look. */
export const TREND_MONTHS = 6;

const probability = z.number().check(z.gt(0), z.lt(1));

export const Calibration = z.object({
  /** The model version this calibration belongs to. */
  version: z.string().check(z.minLength(1)),
  fittedOn: z.object({
    date: IsoDate,
    command: z.string(),
    data: z.array(
      z.object({
        part: z.enum(['rating', 'family']),
        source: z.string(),
        description: z.string(),
        split: z.string(),
        rows: z.int().check(z.nonnegative()),
        positives: z.int().check(z.nonnegative()),
      }),
    ),
  }),
  target: z.literal('failure within 12 months'),
  ratingPart: z.object({
    target: z.string(),
    intercept: z.number(),
    coefficients: z.record(z.enum(RATING_FEATURES), z.number()),
    /** The log-odds used for a location with no rating yet: the training base rate (the fit sees rated locations only). */
    unratedLogOdds: z.number(),
  }),
  familyPart: z.object({
    /** The model version whose family scoring made the features: the coefficients hold only for its scores. */
    familyScoresFrom: z.string(),
    interceptByServiceKind: z.record(z.enum(SERVICE_KINDS), z.number()),
    coefficients: z.record(z.enum(FAMILY_FEATURES), z.number()),
  }),
  /** Cut-offs on the probability, chosen on training data by the stated rule. */
  bands: z.object({ amberFrom: probability, redFrom: probability, rule: z.string() }),
  /**
   * Rank AUCs at fitting time, so a re-fit can be compared: the rating part on each half of the real file and
   * the naive baseline on the held-out half; the family part and the family scoring's own likelihood on the
   * training location-months.
   */
  evaluation: z.record(z.string(), z.nullable(z.number())),
  notes: z.array(z.string()),
});
export type Calibration = z.infer<typeof Calibration>;

export const logistic = (logOdds: number): number => 1 / (1 + Math.exp(-logOdds));
export const logit = (p: number): number => Math.log(p / (1 - p));

const RANK: Record<Rating, number> = { Outstanding: 0, Good: 1, 'Requires improvement': 2, Inadequate: 3 };

export interface DatedRating {
  overall: Rating;
  publishedOn: IsoDate;
}

/**
 * The overall ratings a location's signals give with their publication dates, as known at `asOf`, oldest
 * first, one per publication date. Register extracts (no publication date) are left out: they restate the
 * current rating under a snapshot date, which would make every rating look recent.
 */
export function ratingHistory(signals: readonly Signal[], asOf: IsoDate): DatedRating[] {
  const byDate = new Map<IsoDate, Rating>();
  for (const s of signals) {
    if (s.facts.kind !== 'rating' || s.facts.overall === null || s.facts.publishedOn === null) continue;
    if (s.receivedOn > asOf || s.facts.publishedOn > asOf) continue;
    byDate.set(s.facts.publishedOn, s.facts.overall);
  }
  return [...byDate].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([publishedOn, overall]) => ({ overall, publishedOn }));
}

export interface RatingFeatureInput {
  /** Overall ratings with their publication dates, oldest first, as known at `asOf`. */
  ratings: readonly DatedRating[];
  registeredOn: IsoDate;
  asOf: IsoDate;
}

/** The rating part's features, or null for a location never rated (the part then uses `unratedLogOdds`). */
export function ratingFeatures({ ratings, registeredOn, asOf }: RatingFeatureInput): RatingFeatures | null {
  const latest = ratings[ratings.length - 1];
  if (!latest) return null;
  const downgrades = ratings.map((r, i) => i > 0 && RANK[r.overall] > RANK[ratings[i - 1]!.overall]);
  const months = Math.min(120, Math.max(0, monthsBetween(latest.publishedOn, asOf)));
  const years = Math.min(20, Math.max(0, daysBetween(registeredOn, asOf) / 365.25));
  return {
    requiresImprovement: RANK[latest.overall] >= RANK['Requires improvement'] ? 1 : 0,
    good: latest.overall === 'Good' ? 1 : 0,
    everDowngraded: downgrades.some(Boolean) ? 1 : 0,
    downgradedAtLatest: downgrades[downgrades.length - 1] ? 1 : 0,
    monthsSinceRating: Math.log1p(months),
    registrationYears: Math.log1p(years),
  };
}

type Scored = Pick<RiskAssessment, 'families' | 'factors'>;

/** Family scores / 100 (null without data), the quality family counting only its non-rating factors. */
function levels(assessment: Scored): Record<'qualityActions' | 'safeguarding' | 'financial' | 'occupancy' | 'workforce', number | null> {
  const score = (family: FamilyResult['family']) => {
    const s = assessment.families.find((f) => f.family === family)?.score;
    return s === null || s === undefined ? null : s / 100;
  };
  // Embargoes and enforcement are commissioner-action signals; every other quality factor comes from a rating.
  const actionPoints = assessment.factors
    .filter((f) => f.family === 'quality' && f.evidence.every((e) => e.source === 'commissioner-action'))
    .reduce((sum, f) => sum + f.points, 0);
  return {
    qualityActions: Math.min(100, actionPoints) / 100,
    safeguarding: score('safeguarding'),
    financial: score('financial'),
    occupancy: score('occupancy'),
    workforce: score('workforce'),
  };
}

/**
 * The family part's features from an assessment and, where the location was scored then, its assessment
 * `TREND_MONTHS` earlier (scored from the signals known at that date).
 */
export function familyFeatures(now: Scored, earlier?: Scored): FamilyFeatures {
  const a = levels(now);
  const b = earlier ? levels(earlier) : null;
  const trend = (key: keyof typeof a): number => {
    const then = b?.[key];
    return a[key] === null || then === null || then === undefined ? 0 : a[key] - then;
  };
  return {
    qualityActions: a.qualityActions ?? 0,
    safeguarding: a.safeguarding ?? 0,
    financial: a.financial ?? 0,
    occupancy: a.occupancy ?? 0,
    workforce: a.workforce ?? 0,
    hasFinancial: a.financial === null ? 0 : 1,
    hasOccupancy: a.occupancy === null ? 0 : 1,
    hasWorkforce: a.workforce === null ? 0 : 1,
    qualityActionsTrend: trend('qualityActions'),
    safeguardingTrend: trend('safeguarding'),
    financialTrend: trend('financial'),
    occupancyTrend: trend('occupancy'),
    workforceTrend: trend('workforce'),
  };
}

/** The date the trend features compare against. */
export const trendDate = (asOf: IsoDate): IsoDate => addMonths(asOf, -TREND_MONTHS);

export interface CalibrationFeatures {
  rating: RatingFeatures | null;
  family: FamilyFeatures;
}

export interface Contribution {
  part: 'service kind' | 'rating' | 'family';
  /** 'intercept', a feature name, or 'unrated' for the rating part of a location never rated. */
  term: string;
  value: number;
  /** What the term adds to the log-odds: coefficient x value (the intercepts and the unrated log-odds as they are). */
  logOdds: number;
}

/** The rating part's log-odds on its own: its fitted chance of an Inadequate rating within 12 months. */
export function ratingLogOdds(features: RatingFeatures | null, calibration: Pick<Calibration, 'ratingPart'>): number {
  return ratingContributions(features, calibration).reduce((sum, c) => sum + c.logOdds, 0);
}

function ratingContributions(features: RatingFeatures | null, calibration: Pick<Calibration, 'ratingPart'>): Contribution[] {
  const part = calibration.ratingPart;
  if (features === null) return [{ part: 'rating', term: 'unrated', value: 1, logOdds: part.unratedLogOdds }];
  return [
    { part: 'rating', term: 'intercept', value: 1, logOdds: part.intercept },
    ...RATING_FEATURES.map((f): Contribution => ({ part: 'rating', term: f, value: features[f], logOdds: part.coefficients[f] * features[f] })),
  ];
}

/** Every term's share of the log-odds, for explanations: they add up to the logit of `probabilityOf`. */
export function contributionsOf(features: CalibrationFeatures, calibration: Calibration, serviceKind: ServiceKind): Contribution[] {
  const family = calibration.familyPart;
  return [
    { part: 'service kind', term: serviceKind, value: 1, logOdds: family.interceptByServiceKind[serviceKind] },
    ...ratingContributions(features.rating, calibration),
    ...FAMILY_FEATURES.map((f): Contribution => ({ part: 'family', term: f, value: features.family[f], logOdds: family.coefficients[f] * features.family[f] })),
  ];
}

/** The calibrated probability of a failure (Inadequate rating, closure, insolvency) within 12 months. */
export function probabilityOf(features: CalibrationFeatures, calibration: Calibration, serviceKind: ServiceKind): number {
  return logistic(contributionsOf(features, calibration, serviceKind).reduce((sum, c) => sum + c.logOdds, 0));
}

/** The band the probability alone reaches (before hard triggers and impact). */
export function probabilityBand(p: number, calibration: Calibration): Band {
  return p >= calibration.bands.redFrom ? 'Red' : p >= calibration.bands.amberFrom ? 'Amber' : 'Green';
}
