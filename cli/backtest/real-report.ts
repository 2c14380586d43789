// `npm run backtest -- --real FILE`: the backtest on a real CQC rating history. Reads the file, scores its
// location-quarters with the chosen model, writes OUT/backtest-real.json and prints model against baseline.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { councilByGss } from '../../shared/domain/councils.js';
import type { IsoDate, QuarantineRecord } from '../../shared/domain/model.js';
import { riskModel } from '../../shared/domain/risk-model.js';
import { Dice } from '../sample/dice.js';
import { FIXED_COUNCIL_GSS, measure, type OutcomeReport, scoreQuarters } from './real-backtest.js';
import { HORIZON_MONTHS, readRatingHistory, sampleLocationQuarters, SCORED_QUARTERS } from './real-history.js';
import { inTrainingHalf, SPLIT_RULE } from '../fit/split.js';

export const BOOTSTRAP = { resamples: 200, seed: 20160101 } as const;

const DEFINITIONS: Record<string, string> = {
  population: `On the 1st of each quarter ${SCORED_QUARTERS[0]} to ${SCORED_QUARTERS.at(-1)}, every location registered then (registered_on on or before the date, deregistered_on empty or after it) with at least one rating published by then (report_date on or before the date) whose current rating is not Inadequate: the data README's naive reference. The model and the baseline are measured on exactly these location-quarters.`,
  knownAt: 'Each location-quarter is scored from the ratings published by its date only; the deregistration date is never shown to the scorer, and a location deregistered on or before the date is not scored.',
  adapter: `Each location is scored as a home-care service with no beds in one fixed council (${FIXED_COUNCIL_GSS}; the file names none), with one CQC API rating signal per known rating (overall only: the file has no key questions; published, described and received on report_date) and a registration signal, against a neutral baseline; the score is the assessment's likelihood, the band its band.`,
  baseline: 'The naive baseline scores a location-quarter by its current overall rating alone (Outstanding 0 < Good 1 < Requires improvement 2); its flag is a current Requires improvement.',
  outcomeInadequate: `Positive when a rating with overall Inadequate is published in (date, date + ${HORIZON_MONTHS} months]. Such a rating published after the location's deregistration still counts.`,
  outcomeDeregistration: `Positive when deregistered_on falls in (date, date + ${HORIZON_MONTHS} months]. A deregistration is for any reason: closures and changes of owner together, since the file does not link an old id to a new one.`,
  events: `An event is one Inadequate rating (or the deregistration) of a location with at least one scored quarter in the ${HORIZON_MONTHS} months before it (scored strictly before the event, no more than ${HORIZON_MONTHS} months before); events with none cannot be warned and are left out.`,
  auc: 'Rank-sum (Mann-Whitney) AUC over the location-quarters, ties counting a half.',
  precision: `Of the location-quarters at the band (Red; Amber or Red for Amber+), the share that are positive (followed by the event within ${HORIZON_MONTHS} months).`,
  recall: `Of the events, the share whose location was at the band at some scored quarter in the ${HORIZON_MONTHS} months before the event.`,
  recallAt50Precision: 'Over the thresholds "warn when score >= t" (each distinct score), the best recall (events whose highest score in the 12 months before reached t) among those whose precision over location-quarters is at least 0.5; null when none is.',
  leadTime: `Days from the first scored quarter at the band within the ${HORIZON_MONTHS} months before the event to the event, median over warned events.`,
  intervals: `95% percentile intervals from a cluster bootstrap: ${BOOTSTRAP.resamples} resamples of the scored locations with replacement (seed ${BOOTSTRAP.seed}), each location carrying all its quarters and events. A statistic undefined in some resamples (no event drawn, no quarter at the band) is left out of those; undefinedIn counts them.`,
  quarantined: 'Rows refused with their row (the header is row 1), field and reason: a date that is not a real YYYY-MM-DD or lies in the future, an unknown rating or ownership, a second rating of a location on one day, registration facts that disagree with the location\'s earlier rows. They are never scored.',
};

const pct = (value: number | null): string => (value === null ? 'n/a' : `${(100 * value).toFixed(1)}%`);
const num = (value: number | null, digits: number): string => (value === null ? 'n/a' : value.toFixed(digits));
const thousands = (value: number): string => value.toLocaleString('en-GB');
const withInterval = (format: (v: number | null) => string, value: number | null, interval: [number, number] | null): string =>
  `${format(value)}${interval ? ` (${format(interval[0])}-${format(interval[1])})` : ''}`;

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   '));
}

function summary(modelVersion: string, reports: Record<'inadequate' | 'deregistration', OutcomeReport>): string[] {
  const both = (pick: (r: OutcomeReport) => string) => [pick(reports.inadequate), pick(reports.deregistration)];
  const auc = (v: number | null) => num(v, 3);
  const days = (v: number | null) => num(v, 0);
  const bandRows = (name: string, pick: (r: OutcomeReport) => OutcomeReport['bands']['Red']) => [
    [`${name}: precision`, ...both((r) => `${withInterval(pct, pick(r).precision, pick(r).precisionInterval)} [${pick(r).counts.followedByEvent}/${pick(r).counts.warnedLocationQuarters}]`)],
    [`${name}: recall`, ...both((r) => `${withInterval(pct, pick(r).recall, pick(r).recallInterval)} [${pick(r).counts.eventsWarned}/${pick(r).counts.events}]`)],
    [`${name}: median lead (days)`, ...both((r) => withInterval(days, pick(r).leadTimeDays.median, pick(r).leadTimeDays.interval))],
  ];
  return table([
    ['metric (95% interval) [counts]', 'rated Inadequate within 12 months', 'deregistered within 12 months (any reason)'],
    [`AUC, ${modelVersion}`, ...both((r) => withInterval(auc, r.auc, r.aucInterval))],
    ['AUC, baseline (current rating)', ...both((r) => withInterval(auc, r.baselineAuc, r.baselineAucInterval))],
    [`recall at 50% precision, ${modelVersion}`, ...both((r) => withInterval(pct, r.recallAt50Precision.model, r.recallAt50Precision.modelInterval))],
    ['recall at 50% precision, baseline', ...both((r) => withInterval(pct, r.recallAt50Precision.baseline, r.recallAt50Precision.baselineInterval))],
    ...bandRows(`${modelVersion} Red`, (r) => r.bands.Red),
    ...bandRows(`${modelVersion} Amber+`, (r) => r.bands['Amber+']),
    ...bandRows('baseline flag Requires improvement', (r) => r.baselineFlag['Requires improvement']),
    ['location-quarters (positive)', ...both((r) => `${thousands(r.counts.locationQuarters)} (${thousands(r.counts.positives)})`)],
    ['events', ...both((r) => thousands(r.counts.events))],
  ]);
}

const quarantineLine = (q: QuarantineRecord): string => `  row ${q.row}: ${q.reason}`;

export interface RealBacktestOptions {
  file: string;
  out: string;
  model: string;
  /** The day the file is read: a date after it in the file is impossible. */
  today?: IsoDate;
  /** Only the locations `npm run fit` left out of its training half: how a fitted model is judged honestly. */
  heldOut?: boolean;
  log?: (line: string) => void;
}

export async function runRealBacktest(options: RealBacktestOptions): Promise<string> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const seconds = () => (Date.now() - started) / 1000;
  const model = riskModel(options.model);
  const history = readRatingHistory(await readFile(options.file, 'utf8'), {
    origin: options.file,
    receivedOn: options.today ?? new Date().toISOString().slice(0, 10),
  });
  const locations = options.heldOut ? history.locations.filter((l) => !inTrainingHalf(l.locationId)) : history.locations;
  const quarters = sampleLocationQuarters(locations);
  log(`Read ${options.file}: ${thousands(history.rows)} rows, ${thousands(history.ratings)} ratings of ${thousands(history.locations.length)} locations, ${history.quarantine.length} quarantined`);
  for (const q of history.quarantine.slice(0, 10)) log(quarantineLine(q));
  if (history.quarantine.length > 10) log(`  and ${history.quarantine.length - 10} more (see the report)`);
  log(`Scoring ${thousands(quarters.length)} location-quarters with ${model.version} (${seconds().toFixed(1)} s)`);
  const scored = scoreQuarters(quarters, model);
  log(`Bootstrapping ${BOOTSTRAP.resamples} resamples of locations (${seconds().toFixed(1)} s)`);
  const dice = new Dice(BOOTSTRAP.seed);
  const reports = measure(locations, scored, { resamples: BOOTSTRAP.resamples, drawIndex: (size) => dice.int(0, size - 1) });
  const { inadequate, deregistration } = reports;
  const council = councilByGss(FIXED_COUNCIL_GSS)!;
  const report = {
    modelVersion: model.version,
    file: options.file,
    locations: options.heldOut ? `the held-out half only (${SPLIT_RULE}: the locations the fit never saw)` : 'every location in the file',
    outcome: inadequate.outcome,
    auc: inadequate.auc,
    baselineAuc: inadequate.baselineAuc,
    aucInterval: inadequate.aucInterval,
    baselineAucInterval: inadequate.baselineAucInterval,
    recallAt50Precision: inadequate.recallAt50Precision,
    bands: inadequate.bands,
    baselineFlag: inadequate.baselineFlag,
    deregistration,
    counts: {
      rows: history.rows,
      ratings: history.ratings,
      locationsInFile: history.locations.length,
      locationsScored: new Set(quarters.map((q) => q.locationId)).size,
      scoringDates: SCORED_QUARTERS.length,
      locationQuarters: quarters.length,
      positives: inadequate.counts.positives,
      events: inadequate.counts.events,
      deregistrationPositives: deregistration.counts.positives,
      deregistrationEvents: deregistration.counts.events,
      quarantinedRows: history.quarantine.length,
    },
    assumptions: {
      council: `${council.gss} (${council.name}) for every location: the file names no council`,
      serviceKind: 'home-care, 0 beds',
      keyQuestions: 'none: the file gives the overall rating only',
    },
    bootstrap: { ...BOOTSTRAP, unit: 'location', interval: '2.5th-97.5th percentile' },
    definitions: DEFINITIONS,
    quarantined: history.quarantine,
    wallTimeSeconds: 0,
  };
  const lines = [
    '',
    `Real-history backtest of ${model.version}${options.heldOut ? ', held-out half' : ''}: ${thousands(quarters.length)} location-quarters of ${thousands(report.counts.locationsScored)} locations, on the 1st of each quarter ${SCORED_QUARTERS[0]} to ${SCORED_QUARTERS.at(-1)}`,
    `Every location is scored as home care (no beds) in ${council.name} (${council.gss}): the file names no council. Deregistration is for any reason: closures and changes of owner together.`,
    '',
    ...summary(model.version, reports),
  ];
  for (const line of lines) log(line);
  await mkdir(options.out, { recursive: true });
  const file = join(options.out, 'backtest-real.json');
  report.wallTimeSeconds = Math.round(10 * seconds()) / 10;
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`\nWrote ${file}. Wall time ${report.wallTimeSeconds.toFixed(1)} s.`);
  return file;
}
