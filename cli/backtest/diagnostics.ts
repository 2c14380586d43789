// What the backtest reports beside its headline metrics: whether the likelihood reads as a probability
// (calibration table and Brier score), whether a warning is held up to the event or flickers, how the model
// does within each kind of service and failure, the references to judge its AUC by (the ceiling of a model
// that knew every run-up, and the service kind alone), and the lift of each scoring factor.
import {
  type AlarmMonth,
  auc,
  bandMetrics,
  type BandMetrics,
  brierScore,
  calibrationTable,
  type CalibrationBin,
  evaluatedFailures,
  type EvaluationWindows,
  type Flicker,
  flicker,
  type GroupRate,
  groupRateAuc,
  leadTimeDays,
  likelihoodAuc,
  percentile,
  ratio,
  type RecallCount,
  sustainedLead,
  type Threshold,
  THRESHOLDS,
  type Track,
  warns,
} from '../../shared/domain/backtest-metrics.js';
import { type IsoDate, type ServiceKind, SERVICE_KINDS } from '../../shared/domain/model.js';
import type { RiskModelConfig } from '../../shared/domain/risk-model.js';
import { FAILURE_KINDS, type FailureKind, type MarketHistory } from './history.js';

/** A band left and re-entered within this many months is a flicker. */
export const RETURN_MONTHS = 3;

export const DIAGNOSTIC_DEFINITIONS: Record<string, string> = {
  calibration:
    "The alarm window's location-months in ten bins by likelihood (deciles of their rank; equal likelihoods are never split, so a common value fills one wider bin), each with its mean predicted probability (likelihood / 100) and the observed share followed by an event within 12 months. Brier score: the mean of (likelihood / 100 - outcome)^2 over the same location-months, beside that of a constant at their observed share (in-sample).",
  sustainedLead:
    'Over warned failures: days from the start of the last unbroken run of in-band monthly scores before the event (within the 12 months before it, like the lead time) to the event; 0 when the last score before the event was out of the band. Median and 25th percentile.',
  flicker: `Returns: an in-band score after an out-of-band one, no more than ${RETURN_MONTHS} months after the last in-band score, dated in the alarm window, per 1,000 alarm-window location-months. Episodes: runs of consecutive in-band monthly scores starting in the alarm window; those the track's end (the event, a deregistration, the history's end) cut short are left out, their length unknown.`,
  breakdowns:
    "Recall, precision and AUC as defined above over the locations of one service kind (a service's kind is that of its last registration); recall over the failures of one kind, every kind listed even when it has none.",
  kindAlone:
    "AUC over the alarm window's location-months of a score that knows only the service kind: each kind's share of location-months followed by an event within 12 months, computed over those same location-months (in-sample, so a little flattering).",
  testFrom: 'With --from, failures and alarm-window location-months count from that date only; scores before it are still made, and a warning before it still counts toward a failure after it.',
};

export interface CalibrationReport {
  /** 'points' when the model has no fitted calibration: its likelihood is then no probability and these figures are for comparison only. */
  likelihoodIs: 'probability' | 'points';
  note: string;
  locationMonths: number;
  brier: number | null;
  /** The Brier score of a constant at the observed share of these location-months (in-sample): a forecast that knows nothing of the location. */
  baseRateBrier: number | null;
  bins: CalibrationBin[];
}

export function calibrationReport(model: RiskModelConfig, months: readonly AlarmMonth[], horizonMonths: number): CalibrationReport {
  const points = months.map(({ month, positive }) => ({ predicted: month.likelihood / 100, positive }));
  const baseRate = points.filter((p) => p.positive).length / Math.max(1, points.length);
  const probability = model.calibration !== undefined;
  return {
    likelihoodIs: probability ? 'probability' : 'points',
    note: probability
      ? `${model.version}'s likelihood is 100 x its fitted probability of failure within ${horizonMonths} months: this tests that calibration.`
      : `${model.version} has no fitted calibration: its likelihood is points 0-100, not a probability, so its Brier score and calibration table (likelihood / 100 read as a probability) are for comparison only.`,
    locationMonths: points.length,
    brier: brierScore(points),
    baseRateBrier: points.length > 0 ? baseRate * (1 - baseRate) : null,
    bins: calibrationTable(points),
  };
}

export type SustainedLead = ReturnType<typeof sustainedLead>;

export const sustainedLeads = (tracks: readonly Track[], windows: EvaluationWindows): Record<Threshold, SustainedLead> =>
  Object.fromEntries(THRESHOLDS.map((t) => [t, sustainedLead(tracks, t, windows)])) as Record<Threshold, SustainedLead>;

export const flickers = (tracks: readonly Track[], windows: EvaluationWindows): Record<Threshold, Flicker> =>
  Object.fromEntries(THRESHOLDS.map((t) => [t, flicker(tracks, t, windows, RETURN_MONTHS)])) as Record<Threshold, Flicker>;

export interface ServiceKindBreakdown {
  failures: number;
  locationMonths: number;
  auc: number | null;
  bands: Record<Threshold, { recall: RecallCount; precision: BandMetrics['precision'] }>;
}

export interface Breakdowns {
  byServiceKind: Record<ServiceKind, ServiceKindBreakdown>;
  byFailureKind: Record<FailureKind, Record<Threshold, RecallCount>>;
}

export function breakdowns(tracks: readonly Track[], kindOf: (trackId: string) => ServiceKind, windows: EvaluationWindows, bands: Record<Threshold, BandMetrics>): Breakdowns {
  const byServiceKind = Object.fromEntries(
    SERVICE_KINDS.map((kind): [ServiceKind, ServiceKindBreakdown] => {
      const ofKind = tracks.filter((t) => kindOf(t.id) === kind);
      const metrics = THRESHOLDS.map((t) => bandMetrics(ofKind, t, windows));
      const ranked = likelihoodAuc(ofKind, windows);
      const perBand = Object.fromEntries(metrics.map((m) => [m.threshold, { recall: m.recall, precision: m.precision }])) as ServiceKindBreakdown['bands'];
      return [kind, { failures: metrics[0]!.recall.failures, locationMonths: ranked.locationMonths, auc: ranked.auc, bands: perBand }];
    }),
  ) as Record<ServiceKind, ServiceKindBreakdown>;
  const none: RecallCount = { failures: 0, warned: 0, recall: null };
  const byFailureKind = Object.fromEntries(
    FAILURE_KINDS.map((kind) => [kind, Object.fromEntries(THRESHOLDS.map((t) => [t, bands[t].byKind[kind] ?? none]))]),
  ) as Breakdowns['byFailureKind'];
  return { byServiceKind, byFailureKind };
}

export interface KindAlone {
  auc: number | null;
  /** Each kind's share of alarm-window location-months followed by an event within the horizon: the score. */
  baseRates: Record<string, GroupRate>;
  inSample: true;
}

export function kindAlone(months: readonly AlarmMonth[], kindOf: (trackId: string) => ServiceKind): KindAlone {
  const ranked = groupRateAuc(months.map(({ track, positive }) => ({ group: kindOf(track.id), positive })));
  const baseRates = Object.fromEntries(SERVICE_KINDS.filter((k) => ranked.rates[k] !== undefined).map((k) => [k, ranked.rates[k]!]));
  return { auc: ranked.auc, baseRates, inSample: true };
}

export interface Ceilings {
  recall: number | null;
  medianLeadDays: number | null;
  auc: number | null;
}

export function ceilings(history: MarketHistory, tracks: readonly Track[], windows: EvaluationWindows): Ceilings {
  const eventOf = new Map(history.events.map((e) => [e.locationId, e]));
  // A score "sees" a failure once its run-up has begun; sudden failures are never seen.
  const sees = (track: Track, on: IsoDate): boolean => {
    const from = eventOf.get(track.id)?.precursorsFrom;
    return from !== null && from !== undefined && on >= from && warns(on, track.outcome!.on, windows.horizonMonths);
  };
  const failures = evaluatedFailures(tracks, windows);
  const leads = failures.flatMap((t) => {
    const first = t.months.find((m) => sees(t, m.on));
    return first ? [leadTimeDays(first, t.outcome.on)] : [];
  });
  const points = tracks.flatMap((t) =>
    t.months
      .filter((m) => m.on >= windows.alarmsFrom && m.on <= windows.alarmsTo)
      .map((m) => ({ score: sees(t, m.on) ? 1 : 0, positive: t.outcome !== null && warns(m.on, t.outcome.on, windows.horizonMonths) })),
  );
  return { recall: ratio(leads.length, failures.length), medianLeadDays: percentile(leads, 50), auc: auc(points) };
}

export interface FactorLift {
  indicator: string;
  locationMonths: number;
  eventRate: number | null;
  lift: number | null;
}

export function factorLift(factorMonths: ReadonlyMap<string, { months: number; followed: number }>, overall: { locationMonths: number; positives: number }): { baseRate: number | null; factors: FactorLift[] } {
  const baseRate = ratio(overall.positives, overall.locationMonths);
  const factors = [...factorMonths]
    .map(([indicator, { months, followed }]) => {
      const eventRate = ratio(followed, months);
      return { indicator, locationMonths: months, eventRate, lift: eventRate !== null && baseRate ? eventRate / baseRate : null };
    })
    .sort((a, b) => (b.lift ?? 0) - (a.lift ?? 0) || (a.indicator < b.indicator ? -1 : 1));
  return { baseRate, factors };
}
