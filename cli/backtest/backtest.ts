// Replays a generated market history month by month through the risk model, as the daily score job would
// have seen it (signals known by their receipt date, a baseline of that date), and measures how early and
// how rightly it warned of the failures the history holds.
import {
  alarmMonths,
  bandMetrics,
  type BandMetrics,
  type EvaluationWindows,
  evaluatedFailures,
  firstWarning,
  type Flicker,
  isEvaluatedFailure,
  likelihoodAuc,
  percentile,
  reaches,
  ratio,
  type RecallCount,
  type ScoredMonth,
  type Threshold,
  THRESHOLDS,
  type Track,
  warns,
} from '../../shared/domain/backtest-metrics.js';
import { addDays, addMonths } from '../../shared/domain/dates.js';
import { type Band, BANDS, type IsoDate, type RiskAssessment, SERVICE_KINDS, type ServiceKind } from '../../shared/domain/model.js';
import { riskModel, type RiskModelConfig } from '../../shared/domain/risk-model.js';
import { SAMPLE_PARAMETERS } from '../sample/generate.js';
import {
  type Breakdowns,
  breakdowns,
  type CalibrationReport,
  calibrationReport,
  type Ceilings,
  ceilings,
  DIAGNOSTIC_DEFINITIONS,
  type FactorLift,
  factorLift,
  flickers,
  type KindAlone,
  kindAlone,
  type SustainedLead,
  sustainedLeads,
} from './diagnostics.js';
import { type FailureEvent, HISTORY_PARAMETERS, type MarketHistory, type Precursor, PRECURSORS } from './history.js';
import { HistoryScorer } from './history-scorer.js';
import { type DeregistrationCounts, deregistrationCounts } from './re-registrations.js';

/** The targets the model is held to (project brief). */
export const BACKTEST_TARGETS = { redRecall: 0.8, redMedianLeadDays: 90, redPrecision: 0.5, auc: 0.85 } as const;

export const HORIZON_MONTHS = 12;
/** A year of history before failures and alarms count, so the scorer has its full windows of data. */
export const WARM_UP_MONTHS = 12;

export interface BacktestOptions {
  model?: RiskModelConfig;
  /** Judge only failures and alarm-window location-months from this date: the test period of a time split. */
  testFrom?: IsoDate;
  progress?: (line: string) => void;
}

export interface TargetResult {
  target: string;
  required: number;
  value: number | null;
  met: boolean;
}

/** Why a score reached a band: a hard trigger, the likelihood itself, or a High impact lifting it one band. */
export type WarningCause = 'hard trigger' | 'likelihood' | 'high impact';

export interface BandDiagnostics {
  /** Recall among failures that showed each kind of precursor. */
  recallByPrecursor: Record<Precursor, RecallCount>;
  /** Failures with precursors that the band missed, and what the model saw of them. */
  missedWithPrecursor: {
    failures: number;
    highestBand: Record<Band, number>;
    highestLikelihood: { median: number | null; p75: number | null };
    /** Scoring factors present at each missed failure's highest-likelihood score, by how many failures had them. */
    factors: { indicator: string; failures: number }[];
  };
  /** What put warned failures in the band at their first warning. */
  warningCauses: Record<WarningCause, number>;
  /** False-alarm location-months: what put them in the band and which factors they carried. */
  falseAlarms: { causes: Record<WarningCause, number>; factors: { indicator: string; share: number }[] };
}

export interface BacktestReport {
  modelVersion: string;
  generator: {
    seed: number;
    from: IsoDate;
    to: IsoDate;
    /** Services in the market; a change of owner or a move gives a service a second registration. */
    locations: number;
    registrations: number;
    providers: number;
    groups: number;
    signals: number;
    /** The history generator's parameters and the sample generator's it reuses, so the run can be judged and repeated. */
    parameters: { history: typeof HISTORY_PARAMETERS; sample: typeof SAMPLE_PARAMETERS };
  };
  parameters: {
    scoredOn: string;
    scoringDates: number;
    horizonMonths: number;
    /** The start of the test period when the evaluation was restricted to one (--from), else null. */
    testFrom: IsoDate | null;
    windows: EvaluationWindows;
    definitions: Record<string, string>;
  };
  counts: {
    events: number;
    eventsByKind: Record<string, number>;
    evaluatedFailures: number;
    evaluatedWithPrecursor: number;
    evaluatedWithoutPrecursor: number;
    withheldSignals: number;
    locationMonthsScored: number;
    deregistrations: DeregistrationCounts;
  };
  auc: { value: number | null; locationMonths: number; positives: number };
  bands: Record<Threshold, BandMetrics>;
  /**
   * The best any model could do on this history: one that knew each failure's run-up from its first day and
   * nothing of sudden failures. Targets above these cannot be met here, whatever the calibration.
   */
  ceilings: Ceilings;
  /** The static facts alone: the AUC of the service kind's base rate, to set the model's AUC against. */
  kindAlone: KindAlone;
  targets: TargetResult[];
  /** Whether the likelihood reads as a probability of failure within the horizon. */
  calibration: CalibrationReport;
  /** How long warned failures were held in the band, unbroken, up to the event. */
  sustainedLead: Record<Threshold, SustainedLead>;
  /** How often the band is left and re-entered, and how many of its episodes last a single month. */
  flicker: Record<Threshold, Flicker>;
  breakdowns: Breakdowns;
  diagnostics: {
    byThreshold: Record<Threshold, BandDiagnostics>;
    /** AUC of the likelihood within each kind of service. */
    aucByServiceKind: Record<string, number | null>;
    /**
     * Each scoring factor over the alarm window's location-months: how often it was present, the share of those
     * followed by an event within the horizon, and that share over the base rate (lift).
     */
    factorLift: { baseRate: number | null; factors: FactorLift[] };
  };
}

const DEFINITIONS: Record<string, string> = {
  population:
    'A location is scored on the 1st of each month from its registration (or the start of the history) until the day before its event or its deregistration; after either it is out of the market.',
  reRegistration:
    "A change of owner or a move deregisters a location and registers a new one the same day: it is not a failure. The scorer knows the link from its receipt (CQC's relationship) or once both registrations are on the register (its matching: the same UPRN, or the same postcode and a similar name), and the successor then carries the service's ratings, returns and concerns. Both registrations make one track, named by the last, so a warning before the change counts toward a failure after it.",
  withheld: "The event's own signals (the Inadequate rating, the Deregistered registration, the insolvency snapshots and their repeats) are withheld from the scorer: they all describe the event day or later.",
  knownAt: 'Each score uses only the signals received by its date (receivedOn) and a baseline computed as of that date.',
  warning: 'A failure is warned when a score dated strictly before the event and no more than 12 months before it reached the band (Red; Amber or Red for Amber+).',
  recall: 'Warned failures / failures, over events dated failuresFrom..failuresTo.',
  precision: "Of the locations whose first in-band score dated alarmsFrom..alarmsTo, the share whose event followed that first score within 12 months.",
  falseAlarms: 'Location-months dated alarmsFrom..alarmsTo in the band with no event at that location in the following 12 months, per 1,000 location-months in that window.',
  leadTime: 'Days from the first in-band score within the 12 months before the event to the event, over warned failures: median and 25th percentile (linear interpolation).',
  auc: "Rank-sum AUC of the likelihood over location-months dated alarmsFrom..alarmsTo, positive when the location's event follows within 12 months; tied scores count a half.",
  ...DIAGNOSTIC_DEFINITIONS,
};

/** The dates judged: from the end of the warm-up year, or from `testFrom` when a later test period is asked for. */
export function evaluationWindows(history: Pick<MarketHistory, 'from' | 'to'>, testFrom?: IsoDate): EvaluationWindows {
  const warmedUp = addMonths(history.from, WARM_UP_MONTHS);
  // The last date whose following horizon lies wholly inside the history.
  const alarmsTo = addDays(addMonths(addDays(history.to, 1), -HORIZON_MONTHS), -1);
  if (testFrom !== undefined && (testFrom < warmedUp || testFrom > alarmsTo)) {
    throw new Error(`a test period must start from ${warmedUp} (the end of the warm-up year) to ${alarmsTo} (the last date with ${HORIZON_MONTHS} months of follow-up); got ${testFrom}`);
  }
  const from = testFrom ?? warmedUp;
  return { failuresFrom: from, failuresTo: history.to, alarmsFrom: from, alarmsTo, horizonMonths: HORIZON_MONTHS };
}

export function scoringDates(history: Pick<MarketHistory, 'from' | 'to'>): IsoDate[] {
  const dates: IsoDate[] = [];
  for (let on = history.from; on <= history.to; on = addMonths(on, 1)) dates.push(on);
  return dates;
}

function causeOf(assessment: Pick<RiskAssessment, 'hardTriggers' | 'likelihood'>, threshold: Threshold, model: RiskModelConfig): WarningCause {
  if (assessment.hardTriggers.length > 0) return 'hard trigger';
  return assessment.likelihood >= (threshold === 'Red' ? model.bands.redFrom : model.bands.amberFrom) ? 'likelihood' : 'high impact';
}

/** An indicator without its figures and council codes, so the same factor at different homes counts once. */
const indicatorKind = (indicator: string): string => indicator.replace(/E\d{8}/g, '<council>').replace(/\d+(\.\d+)?/g, 'N');

/** What the diagnostics keep of a failing location's score in the months before its event. */
interface FailureMonth extends ScoredMonth {
  hardTriggers: string[];
  indicators: string[];
}

const emptyCauses = (): Record<WarningCause, number> => ({ 'hard trigger': 0, likelihood: 0, 'high impact': 0 });

interface FalseAlarmTally {
  months: number;
  causes: Record<WarningCause, number>;
  indicators: Map<string, number>;
}

interface Replay {
  tracks: Track[];
  failureMonths: Map<string, FailureMonth[]>;
  falseAlarms: Record<Threshold, FalseAlarmTally>;
  /** Per factor: alarm-window location-months carrying it, and how many of those an event followed. */
  factorMonths: Map<string, { months: number; followed: number }>;
  withheld: number;
}

function replay(scorer: HistoryScorer, history: MarketHistory, model: RiskModelConfig, windows: EvaluationWindows, progress: (line: string) => void): Replay {
  const { serviceOf, eventOf } = scorer;
  const evaluated = new Set(history.events.filter((e) => isEvaluatedFailure(e.on, windows)).map((e) => e.locationId));
  const services = history.locations.filter((l) => serviceOf.get(l.locationId) === l.locationId);
  const months = new Map<string, ScoredMonth[]>(services.map((l) => [l.locationId, []]));
  const failureMonths = new Map<string, FailureMonth[]>();
  const factorMonths = new Map<string, { months: number; followed: number }>();
  const falseAlarms = Object.fromEntries(THRESHOLDS.map((t) => [t, { months: 0, causes: emptyCauses(), indicators: new Map<string, number>() }])) as Record<Threshold, FalseAlarmTally>;

  const dates = scoringDates(history);
  dates.forEach((asOf, i) => {
    const { population, assessments } = scorer.scoreAt(asOf);
    for (const a of assessments) {
      const id = serviceOf.get(a.subject.id)!;
      months.get(id)!.push({ on: asOf, likelihood: a.likelihood, band: a.band });
      const event = eventOf.get(id);
      const followed = event !== undefined && warns(asOf, event.on, HORIZON_MONTHS);
      if (followed && evaluated.has(id)) {
        const kept: FailureMonth = { on: asOf, likelihood: a.likelihood, band: a.band, hardTriggers: a.hardTriggers, indicators: a.factors.map((f) => indicatorKind(f.indicator)) };
        const list = failureMonths.get(id);
        if (list) list.push(kept);
        else failureMonths.set(id, [kept]);
      }
      if (asOf < windows.alarmsFrom || asOf > windows.alarmsTo) continue;
      const indicators = new Set(a.factors.map((f) => indicatorKind(f.indicator)));
      for (const indicator of indicators) {
        const tally = factorMonths.get(indicator) ?? { months: 0, followed: 0 };
        tally.months++;
        if (followed) tally.followed++;
        factorMonths.set(indicator, tally);
      }
      if (followed) continue;
      for (const threshold of THRESHOLDS) {
        if (!reaches(a.band, threshold)) continue;
        const tally = falseAlarms[threshold];
        tally.months++;
        tally.causes[causeOf(a, threshold, model)]++;
        for (const indicator of indicators) tally.indicators.set(indicator, (tally.indicators.get(indicator) ?? 0) + 1);
      }
    }
    if (i % 6 === 5 || i === dates.length - 1) {
      const count = (band: Band) => assessments.filter((a) => a.band === band).length;
      progress(`  scored ${asOf} (${i + 1}/${dates.length}): ${population.length} locations, ${count('Red')} Red, ${count('Amber')} Amber`);
    }
  });

  const tracks = services.map((l): Track => {
    const event = eventOf.get(l.locationId);
    return { id: l.locationId, months: months.get(l.locationId)!, outcome: event ? { on: event.on, kind: event.kind, hadPrecursor: event.hadPrecursor } : null };
  });
  return { tracks, failureMonths, falseAlarms, factorMonths, withheld: scorer.withheld };
}

const BAND_RANK: Record<Band, number> = { Green: 0, Amber: 1, Red: 2 };

function topCounts(counts: Map<string, number>, limit: number): [string, number][] {
  return [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, limit);
}

function diagnose(threshold: Threshold, failures: readonly FailureEvent[], run: Replay, model: RiskModelConfig): BandDiagnostics {
  const monthsOf = (e: FailureEvent) => run.failureMonths.get(e.locationId) ?? [];
  const warning = (e: FailureEvent) => firstWarning(monthsOf(e), e.on, threshold, HORIZON_MONTHS) as FailureMonth | null;
  const recallByPrecursor = Object.fromEntries(
    PRECURSORS.map((p) => {
      const showing = failures.filter((e) => e.precursors.includes(p));
      const warned = showing.filter((e) => warning(e) !== null).length;
      return [p, { failures: showing.length, warned, recall: ratio(warned, showing.length) }];
    }),
  ) as Record<Precursor, RecallCount>;

  const missed = failures.filter((e) => e.hadPrecursor && warning(e) === null);
  const highestBand = Object.fromEntries(BANDS.map((b) => [b, 0])) as Record<Band, number>;
  const highestLikelihoods: number[] = [];
  const missedFactors = new Map<string, number>();
  for (const event of missed) {
    const seen = monthsOf(event);
    if (seen.length === 0) continue;
    highestBand[seen.reduce((top, m) => (BAND_RANK[m.band] > BAND_RANK[top] ? m.band : top), 'Green' as Band)]++;
    const peak = seen.reduce((top, m) => (m.likelihood > top.likelihood ? m : top));
    highestLikelihoods.push(peak.likelihood);
    for (const indicator of new Set(peak.indicators)) missedFactors.set(indicator, (missedFactors.get(indicator) ?? 0) + 1);
  }

  const warningCauses = emptyCauses();
  for (const event of failures) {
    const first = warning(event);
    if (first) warningCauses[causeOf(first, threshold, model)]++;
  }
  const tally = run.falseAlarms[threshold];
  return {
    recallByPrecursor,
    missedWithPrecursor: {
      failures: missed.length,
      highestBand,
      highestLikelihood: { median: percentile(highestLikelihoods, 50), p75: percentile(highestLikelihoods, 75) },
      factors: topCounts(missedFactors, 12).map(([indicator, n]) => ({ indicator, failures: n })),
    },
    warningCauses,
    falseAlarms: {
      causes: tally.causes,
      factors: topCounts(tally.indicators, 12).map(([indicator, n]) => ({ indicator, share: Math.round((1000 * n) / Math.max(1, tally.months)) / 1000 })),
    },
  };
}

const meets = (value: number | null, required: number): boolean => value !== null && value >= required;

export function runBacktest(history: MarketHistory, options: BacktestOptions = {}): BacktestReport {
  const model = options.model ?? riskModel();
  const windows = evaluationWindows(history, options.testFrom);
  const scorer = new HistoryScorer(history, model);
  const { links } = scorer;
  const run = replay(scorer, history, model, windows, options.progress ?? (() => {}));
  const bands = Object.fromEntries(THRESHOLDS.map((t) => [t, bandMetrics(run.tracks, t, windows)])) as Record<Threshold, BandMetrics>;
  const rocAuc = likelihoodAuc(run.tracks, windows);
  const evaluatedIds = new Set(evaluatedFailures(run.tracks, windows).map((t) => t.id));
  const failures = history.events.filter((e) => evaluatedIds.has(e.locationId));
  const red = bands.Red;
  const targets: TargetResult[] = [
    { target: 'Red precedes failures (recall)', required: BACKTEST_TARGETS.redRecall, value: red.recall.recall },
    { target: 'Median lead time of Red (days)', required: BACKTEST_TARGETS.redMedianLeadDays, value: red.leadTimeDays.median },
    { target: 'Precision of Red', required: BACKTEST_TARGETS.redPrecision, value: red.precision.precision },
    { target: 'AUC of the likelihood', required: BACKTEST_TARGETS.auc, value: rocAuc.auc },
  ].map((t) => ({ ...t, met: meets(t.value, t.required) }));

  const kindOfLocation = new Map(history.locations.map((l) => [l.locationId, l.serviceKind]));
  const kindOf = (trackId: string): ServiceKind => kindOfLocation.get(trackId)!;
  const inWindow = alarmMonths(run.tracks, windows);
  const byKind = breakdowns(run.tracks, kindOf, windows, bands);
  const eventsByKind: Record<string, number> = {};
  for (const e of history.events) eventsByKind[e.kind] = (eventsByKind[e.kind] ?? 0) + 1;
  return {
    modelVersion: model.version,
    generator: {
      seed: history.seed,
      from: history.from,
      to: history.to,
      locations: history.locations.length - history.reRegistrations.length,
      registrations: history.locations.length,
      providers: history.providers.length,
      groups: history.groups.length,
      signals: history.signals.length,
      parameters: { history: HISTORY_PARAMETERS, sample: SAMPLE_PARAMETERS },
    },
    parameters: {
      scoredOn: 'the 1st of each month',
      scoringDates: scoringDates(history).length,
      horizonMonths: HORIZON_MONTHS,
      testFrom: options.testFrom ?? null,
      windows,
      definitions: DEFINITIONS,
    },
    counts: {
      events: history.events.length,
      eventsByKind,
      evaluatedFailures: failures.length,
      evaluatedWithPrecursor: failures.filter((e) => e.hadPrecursor).length,
      evaluatedWithoutPrecursor: failures.filter((e) => !e.hadPrecursor).length,
      withheldSignals: run.withheld,
      locationMonthsScored: run.tracks.reduce((sum, t) => sum + t.months.length, 0),
      deregistrations: deregistrationCounts(history, links),
    },
    auc: { value: rocAuc.auc, locationMonths: rocAuc.locationMonths, positives: rocAuc.positives },
    bands,
    ceilings: ceilings(history, run.tracks, windows),
    kindAlone: kindAlone(inWindow, kindOf),
    targets,
    calibration: calibrationReport(model, inWindow, HORIZON_MONTHS),
    sustainedLead: sustainedLeads(run.tracks, windows),
    flicker: flickers(run.tracks, windows),
    breakdowns: byKind,
    diagnostics: {
      byThreshold: Object.fromEntries(THRESHOLDS.map((t) => [t, diagnose(t, failures, run, model)])) as Record<Threshold, BandDiagnostics>,
      aucByServiceKind: Object.fromEntries(SERVICE_KINDS.map((kind) => [kind, byKind.byServiceKind[kind].auc])),
      factorLift: factorLift(run.factorMonths, rocAuc),
    },
  };
}
