// How early and how rightly a risk model warned, measured on a replayed history whose outcomes are known.
// Pure: tracks of monthly scores and each location's outcome in, metrics out. The rules are the backtest's
// definitions, so they live here once and the tests pin them down.
import { addMonths, daysBetween } from './dates.js';
import type { Band, IsoDate } from './model.js';

export const THRESHOLDS = ['Red', 'Amber+'] as const;
export type Threshold = (typeof THRESHOLDS)[number];

export const reaches = (band: Band, threshold: Threshold): boolean => (threshold === 'Red' ? band === 'Red' : band !== 'Green');

/**
 * A score on `scoredOn` warns of an event on `eventOn` only if it came strictly before the event (a Red on
 * the day itself is no warning) and no more than `horizonMonths` before it.
 */
export const warns = (scoredOn: IsoDate, eventOn: IsoDate, horizonMonths: number): boolean =>
  scoredOn < eventOn && scoredOn >= addMonths(eventOn, -horizonMonths);

export interface ScoredMonth {
  on: IsoDate;
  likelihood: number;
  band: Band;
}

export interface TrackedOutcome {
  on: IsoDate;
  kind: string;
  hadPrecursor: boolean;
}

/** One location's scores in date order, for the dates it was in the market, and what became of it. */
export interface Track {
  id: string;
  months: readonly ScoredMonth[];
  outcome: TrackedOutcome | null;
}

/** The first score at or past the threshold that warns of the event, or null when none did. */
export function firstWarning(months: readonly ScoredMonth[], eventOn: IsoDate, threshold: Threshold, horizonMonths: number): ScoredMonth | null {
  return months.find((m) => reaches(m.band, threshold) && warns(m.on, eventOn, horizonMonths)) ?? null;
}

export const leadTimeDays = (warning: ScoredMonth, eventOn: IsoDate): number => daysBetween(warning.on, eventOn);

/** The p-th percentile (0-100) by linear interpolation between order statistics (Hyndman & Fan type 7); null if empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const h = ((sorted.length - 1) * p) / 100;
  const lower = Math.floor(h);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower]! + (h - lower) * (sorted[upper]! - sorted[lower]!);
}

/**
 * Area under the ROC curve by the rank-sum (Mann-Whitney) method: the chance that a random positive scores
 * above a random negative, ties counting a half (tied scores share their mean rank). Null without both classes.
 */
export function auc(points: readonly { score: number; positive: boolean }[]): number | null {
  const positives = points.filter((p) => p.positive).length;
  const negatives = points.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const sorted = [...points].sort((a, b) => a.score - b.score);
  let positiveRankSum = 0;
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1]!.score === sorted[start]!.score) end++;
    const meanRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) if (sorted[i]!.positive) positiveRankSum += meanRank;
    start = end + 1;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/**
 * Which dates count. Failures are those with an event in [failuresFrom, failuresTo]. Location-months (for
 * precision, false alarms and AUC) are scores dated in [alarmsFrom, alarmsTo], so each has its full horizon
 * of follow-up inside the history.
 */
export interface EvaluationWindows {
  failuresFrom: IsoDate;
  failuresTo: IsoDate;
  alarmsFrom: IsoDate;
  alarmsTo: IsoDate;
  horizonMonths: number;
}

export interface RecallCount {
  failures: number;
  warned: number;
  recall: number | null;
}

export interface BandMetrics {
  threshold: Threshold;
  recall: RecallCount;
  withPrecursor: RecallCount;
  withoutPrecursor: RecallCount;
  byKind: Record<string, RecallCount>;
  /** Days from the first warning within the horizon to the event, over warned failures. */
  leadTimeDays: { n: number; median: number | null; p25: number | null };
  /** Locations whose first score in the band (within the alarm window) was followed by their event within the horizon. */
  precision: { warnedLocations: number; failedWithinHorizon: number; precision: number | null };
  /** Location-months in the band with no event in the following horizon, per 1,000 location-months. */
  falseAlarms: { locationMonths: number; falseAlarmMonths: number; per1000LocationMonths: number | null };
}

const inRange = (on: IsoDate, from: IsoDate, to: IsoDate): boolean => on >= from && on <= to;

/** Whether the location's event follows a score on `on` within the horizon. */
const eventFollows = (track: Track, on: IsoDate, horizonMonths: number): boolean =>
  track.outcome !== null && warns(on, track.outcome.on, horizonMonths);

export const isEvaluatedFailure = (eventOn: IsoDate, windows: EvaluationWindows): boolean => inRange(eventOn, windows.failuresFrom, windows.failuresTo);

export const evaluatedFailures = (tracks: readonly Track[], windows: EvaluationWindows): (Track & { outcome: TrackedOutcome })[] =>
  tracks.filter((t): t is Track & { outcome: TrackedOutcome } => t.outcome !== null && isEvaluatedFailure(t.outcome.on, windows));

function recallOf(failures: readonly (Track & { outcome: TrackedOutcome })[], threshold: Threshold, horizonMonths: number): RecallCount {
  const warned = failures.filter((t) => firstWarning(t.months, t.outcome.on, threshold, horizonMonths) !== null).length;
  return { failures: failures.length, warned, recall: ratio(warned, failures.length) };
}

export function bandMetrics(tracks: readonly Track[], threshold: Threshold, windows: EvaluationWindows): BandMetrics {
  const { horizonMonths } = windows;
  const failures = evaluatedFailures(tracks, windows);
  const kinds = [...new Set(failures.map((t) => t.outcome.kind))].sort();
  const leads = failures.flatMap((t) => {
    const warning = firstWarning(t.months, t.outcome.on, threshold, horizonMonths);
    return warning ? [leadTimeDays(warning, t.outcome.on)] : [];
  });

  let warnedLocations = 0;
  let failedWithinHorizon = 0;
  let locationMonths = 0;
  let falseAlarmMonths = 0;
  for (const track of tracks) {
    const inWindow = track.months.filter((m) => inRange(m.on, windows.alarmsFrom, windows.alarmsTo));
    locationMonths += inWindow.length;
    falseAlarmMonths += inWindow.filter((m) => reaches(m.band, threshold) && !eventFollows(track, m.on, horizonMonths)).length;
    const first = inWindow.find((m) => reaches(m.band, threshold));
    if (first) {
      warnedLocations++;
      if (eventFollows(track, first.on, horizonMonths)) failedWithinHorizon++;
    }
  }

  return {
    threshold,
    recall: recallOf(failures, threshold, horizonMonths),
    withPrecursor: recallOf(failures.filter((t) => t.outcome.hadPrecursor), threshold, horizonMonths),
    withoutPrecursor: recallOf(failures.filter((t) => !t.outcome.hadPrecursor), threshold, horizonMonths),
    byKind: Object.fromEntries(kinds.map((kind) => [kind, recallOf(failures.filter((t) => t.outcome.kind === kind), threshold, horizonMonths)])),
    leadTimeDays: { n: leads.length, median: percentile(leads, 50), p25: percentile(leads, 25) },
    precision: { warnedLocations, failedWithinHorizon, precision: ratio(failedWithinHorizon, warnedLocations) },
    falseAlarms: { locationMonths, falseAlarmMonths, per1000LocationMonths: locationMonths > 0 ? (1000 * falseAlarmMonths) / locationMonths : null },
  };
}

/** One location-month of the alarm window: its track, its score, and whether the location's event followed within the horizon. */
export interface AlarmMonth {
  track: Track;
  month: ScoredMonth;
  positive: boolean;
}

export const alarmMonths = (tracks: readonly Track[], windows: EvaluationWindows): AlarmMonth[] =>
  tracks.flatMap((track) =>
    track.months
      .filter((m) => inRange(m.on, windows.alarmsFrom, windows.alarmsTo))
      .map((month) => ({ track, month, positive: eventFollows(track, month.on, windows.horizonMonths) })),
  );

/** AUC of the likelihood over the location-months of the alarm window: positive when an event follows within the horizon. */
export function likelihoodAuc(tracks: readonly Track[], windows: EvaluationWindows): { auc: number | null; locationMonths: number; positives: number } {
  const points = alarmMonths(tracks, windows).map(({ month, positive }) => ({ score: month.likelihood, positive }));
  return { auc: auc(points), locationMonths: points.length, positives: points.filter((p) => p.positive).length };
}

/** A bin of the calibration table: location-months of about a tenth each, ordered by predicted probability. */
export interface CalibrationBin {
  /** The deciles it spans: one, or several when equal predictions straddle a decile boundary. */
  deciles: [number, number];
  predicted: { from: number; to: number; mean: number };
  locationMonths: number;
  events: number;
  observed: number;
}

/**
 * Predictions cut at the deciles of their rank, without splitting equal predictions: a bin closes once it
 * reaches the next decile boundary, so a prediction shared by many points makes one wider bin.
 */
export function calibrationTable(points: readonly { predicted: number; positive: boolean }[]): CalibrationBin[] {
  const sorted = [...points].sort((a, b) => a.predicted - b.predicted);
  const n = sorted.length;
  const bins: CalibrationBin[] = [];
  let start = 0;
  let decile = 1;
  for (let end = 0; end < n; end++) {
    if (sorted[end + 1]?.predicted === sorted[end]!.predicted || end + 1 < (decile * n) / 10) continue;
    const first = decile;
    while (decile < 10 && (decile * n) / 10 <= end + 1) decile++;
    const bin = sorted.slice(start, end + 1);
    const events = bin.filter((p) => p.positive).length;
    const predicted = { from: bin[0]!.predicted, to: bin[bin.length - 1]!.predicted, mean: bin.reduce((sum, p) => sum + p.predicted, 0) / bin.length };
    bins.push({ deciles: [first, end + 1 === n ? 10 : decile - 1], predicted, locationMonths: bin.length, events, observed: events / bin.length });
    start = end + 1;
  }
  return bins;
}

/** Mean squared difference between predicted probability and outcome (0 or 1); null without points. */
export function brierScore(points: readonly { predicted: number; positive: boolean }[]): number | null {
  if (points.length === 0) return null;
  return points.reduce((sum, p) => sum + (p.predicted - (p.positive ? 1 : 0)) ** 2, 0) / points.length;
}

/**
 * How long a warned failure was held in the band right up to its event: days from the start of the last
 * unbroken run of in-band monthly scores, counted within the horizon like the lead time, to the event; 0 when
 * the last score before the event was out of the band. Over failures the band warned of.
 */
export function sustainedLead(tracks: readonly Track[], threshold: Threshold, windows: EvaluationWindows): { warned: number; heldToEvent: number; median: number | null; p25: number | null } {
  const days = evaluatedFailures(tracks, windows)
    .filter((t) => firstWarning(t.months, t.outcome.on, threshold, windows.horizonMonths) !== null)
    .map((t) => {
      let start = t.months.length;
      while (start > 0 && reaches(t.months[start - 1]!.band, threshold) && warns(t.months[start - 1]!.on, t.outcome.on, windows.horizonMonths)) start--;
      return start === t.months.length ? 0 : daysBetween(t.months[start]!.on, t.outcome.on);
    });
  return { warned: days.length, heldToEvent: days.filter((d) => d > 0).length, median: percentile(days, 50), p25: percentile(days, 25) };
}

export interface Flicker {
  locationMonths: number;
  /** In band, out, and in band again within `returnMonths` of the last in-band month, dated by the return. */
  returns: number;
  returnsPer1000LocationMonths: number | null;
  /** Runs of consecutive in-band months starting in the alarm window and ended by an out-of-band score (not by the track's end). */
  episodes: number;
  singleMonthEpisodes: number;
  singleMonthShare: number | null;
}

/** How often a band is left and re-entered, and how many of its episodes last one month, over the alarm window. Months are consecutive. */
export function flicker(tracks: readonly Track[], threshold: Threshold, windows: EvaluationWindows, returnMonths: number): Flicker {
  let locationMonths = 0;
  let returns = 0;
  let episodes = 0;
  let singleMonthEpisodes = 0;
  for (const { months } of tracks) {
    const inBand = months.map((m) => reaches(m.band, threshold));
    let lastInBand: IsoDate | null = null;
    for (let i = 0; i < months.length; i++) {
      const { on } = months[i]!;
      const inWindow = inRange(on, windows.alarmsFrom, windows.alarmsTo);
      if (inWindow) locationMonths++;
      if (!inBand[i]) continue;
      const starts = i === 0 || !inBand[i - 1];
      if (starts && inWindow && lastInBand !== null && on <= addMonths(lastInBand, returnMonths)) returns++;
      lastInBand = on;
      if (!starts || !inWindow) continue;
      const end = inBand.indexOf(false, i);
      // An episode the track's end cut short (its event, say) is not counted: its length is unknown.
      if (end === -1) continue;
      episodes++;
      if (end === i + 1) singleMonthEpisodes++;
    }
  }
  const returnsPer1000LocationMonths = locationMonths > 0 ? (1000 * returns) / locationMonths : null;
  return { locationMonths, returns, returnsPer1000LocationMonths, episodes, singleMonthEpisodes, singleMonthShare: ratio(singleMonthEpisodes, episodes) };
}

export interface GroupRate {
  points: number;
  positives: number;
  rate: number;
}

/**
 * The AUC of a score that knows only each point's group (its service kind, say): each group scored by its own
 * share of positives over these same points, so the rates are in-sample.
 */
export function groupRateAuc(points: readonly { group: string; positive: boolean }[]): { auc: number | null; rates: Record<string, GroupRate> } {
  const rates: Record<string, GroupRate> = {};
  for (const { group, positive } of points) {
    const r = (rates[group] ??= { points: 0, positives: 0, rate: 0 });
    r.points++;
    if (positive) r.positives++;
    r.rate = r.positives / r.points;
  }
  return { auc: auc(points.map((p) => ({ score: rates[p.group]!.rate, positive: p.positive }))), rates };
}

/** How many positives and negatives share one score. */
export interface ScoreCount {
  score: number;
  positives: number;
  negatives: number;
}

/** Points tallied per distinct score. */
export function scoreCounts(points: readonly { score: number; positive: boolean }[]): ScoreCount[] {
  const byScore = new Map<number, ScoreCount>();
  for (const { score, positive } of points) {
    const count = byScore.get(score) ?? { score, positives: 0, negatives: 0 };
    if (positive) count.positives++;
    else count.negatives++;
    byScore.set(score, count);
  }
  return [...byScore.values()];
}

/**
 * The rank-sum AUC of `auc` from counts per score, ties counting a half: a tally of a few distinct scores
 * over many points, which a bootstrap can add up per resample instead of sorting every point again.
 */
export function aucOfCounts(counts: readonly ScoreCount[]): number | null {
  const sorted = [...counts].sort((a, b) => a.score - b.score);
  let positives = 0;
  let negatives = 0;
  let wins = 0;
  for (let start = 0; start < sorted.length; ) {
    let tiedPositives = 0;
    let tiedNegatives = 0;
    let end = start;
    for (; end < sorted.length && sorted[end]!.score === sorted[start]!.score; end++) {
      tiedPositives += sorted[end]!.positives;
      tiedNegatives += sorted[end]!.negatives;
    }
    wins += tiedPositives * (negatives + tiedNegatives / 2);
    positives += tiedPositives;
    negatives += tiedNegatives;
    start = end;
  }
  return positives === 0 || negatives === 0 ? null : wins / (positives * negatives);
}

/**
 * The best recall among the thresholds "warn when score >= t" whose precision is at least `minPrecision`, or
 * null when none reaches it. Precision is over the scored points (`counts`); recall over events, each warned
 * when its highest score before it reached the threshold (`eventScores`).
 */
export function recallAtPrecision(counts: readonly ScoreCount[], eventScores: readonly number[], minPrecision: number): { recall: number; threshold: number } | null {
  if (eventScores.length === 0) return null;
  const thresholds = [...counts].sort((a, b) => b.score - a.score);
  const events = [...eventScores].sort((a, b) => b - a);
  let warned = 0;
  let warnedPositive = 0;
  let eventsWarned = 0;
  let best: { recall: number; threshold: number } | null = null;
  for (let i = 0; i < thresholds.length; i++) {
    const { score, positives, negatives } = thresholds[i]!;
    warned += positives + negatives;
    warnedPositive += positives;
    // Equal scores are one threshold: judge it once all of them are in.
    if (thresholds[i + 1]?.score === score) continue;
    while (eventsWarned < events.length && events[eventsWarned]! >= score) eventsWarned++;
    const recall = eventsWarned / events.length;
    if (warned > 0 && warnedPositive / warned >= minPrecision && (best === null || recall > best.recall)) best = { recall, threshold: score };
  }
  return best;
}

export interface BootstrapEstimate {
  value: number | null;
  /** The 2.5th and 97.5th percentiles over the resamples in which the statistic is defined; null if in none. */
  interval: [number, number] | null;
  /** Resamples in which the statistic was undefined (no event drawn, say), left out of the interval. */
  undefinedIn: number;
}

/**
 * Statistics with 95% percentile intervals from a cluster bootstrap: each resample draws as many clusters as
 * there are, with replacement, so the points of one cluster (a location's quarters) stay together and their
 * correlation widens the interval as it should. `drawIndex(n)` returns a whole number in [0, n).
 */
export function clusterBootstrap<C, K extends string>(
  clusters: readonly C[],
  statistics: (sample: readonly C[]) => Record<K, number | null>,
  options: { resamples: number; drawIndex: (size: number) => number },
): Record<K, BootstrapEstimate> {
  const point = statistics(clusters);
  const keys = Object.keys(point) as K[];
  const draws = new Map<K, number[]>(keys.map((k) => [k, []]));
  for (let r = 0; r < options.resamples; r++) {
    const sample = Array.from({ length: clusters.length }, () => clusters[options.drawIndex(clusters.length)]!);
    const values = statistics(sample);
    for (const k of keys) {
      const value = values[k];
      if (value !== null) draws.get(k)!.push(value);
    }
  }
  return Object.fromEntries(
    keys.map((k) => {
      const values = draws.get(k)!;
      const interval: [number, number] | null = values.length === 0 ? null : [percentile(values, 2.5)!, percentile(values, 97.5)!];
      return [k, { value: point[k], interval, undefinedIn: options.resamples - values.length }];
    }),
  ) as Record<K, BootstrapEstimate>;
}
