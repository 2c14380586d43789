// The real-history backtest: scores each sampled location-quarter with a risk model through a thin adapter
// (the file's ratings as CQC API rating signals of a home-care service), then measures the model and the
// naive baseline (the current rating alone) on the same location-quarters, with cluster-bootstrap intervals.
import {
  aucOfCounts,
  type BootstrapEstimate,
  clusterBootstrap,
  percentile,
  ratio,
  recallAtPrecision,
  type ScoreCount,
  scoreCounts,
  warns,
} from '../../shared/domain/backtest-metrics.js';
import type { MarketBaseline } from '../../shared/domain/baseline.js';
import { groupBy } from '../../shared/domain/collections.js';
import { councilByGss } from '../../shared/domain/councils.js';
import { daysBetween } from '../../shared/domain/dates.js';
import { ADASS_REGIONS, type Band, type IsoDate, type Location, type RiskAssessment, type Signal } from '../../shared/domain/model.js';
import type { RiskModelConfig } from '../../shared/domain/risk-model.js';
import { scoreLocation } from '../../shared/domain/scoring.js';
import { BASELINE_RANK, HORIZON_MONTHS, type LocationHistory, type LocationQuarter, type Outcome, OUTCOMES } from './real-history.js';

/** Leeds, for every location: the file names no council, and with no beds and no concerns the council moves no score. */
export const FIXED_COUNCIL_GSS = 'E08000035';
const COUNCIL = councilByGss(FIXED_COUNCIL_GSS)!;

/** A community service as the file allows: home care (no beds, so no occupancy family and Low impact). */
export function locationOf(q: LocationQuarter): Location {
  return {
    locationId: q.locationId,
    // The file names no provider; no provider-level signal is scored, so the location stands for its own.
    providerId: q.locationId,
    name: q.locationId,
    councilGss: COUNCIL.gss,
    region: COUNCIL.region,
    serviceKind: 'home-care',
    beds: 0,
    sizeBand: null,
    specialisms: [],
    registeredOn: q.registeredOn,
  };
}

/** Each known rating as the CQC API gives it (overall only: the file has no key questions), and the registration. */
export function signalsOf(q: LocationQuarter): Signal[] {
  const subject = { type: 'location', id: q.locationId } as const;
  const ratings = q.known.map(
    (r): Signal => ({
      source: 'cqc-api',
      naturalId: `${q.locationId}#rating#${r.publishedOn}`,
      subject,
      describedOn: r.publishedOn,
      receivedOn: r.publishedOn,
      facts: { kind: 'rating', overall: r.overall, safe: null, effective: null, caring: null, responsive: null, wellLed: null, publishedOn: r.publishedOn },
    }),
  );
  const registration: Signal = {
    source: 'cqc-api',
    naturalId: `${q.locationId}#registration`,
    subject,
    describedOn: q.registeredOn,
    receivedOn: q.registeredOn,
    facts: { kind: 'registration', status: 'Registered', dormant: false, registeredManagerAbsentSince: null },
  };
  return [...ratings, registration];
}

/** A baseline that moves no score: the file has no concerns to compare with a rate, and no care home beds. */
export function neutralBaseline(asOf: IsoDate): MarketBaseline {
  const safeguardingRates = Object.fromEntries(ADASS_REGIONS.map((r) => [r, { per10Beds: 1, perCommunityService: 1 }])) as MarketBaseline['safeguardingRates'];
  return { version: 'baseline-neutral', asOf, safeguardingRates, councilBeds: {}, councilAdmittableVacancies: {}, specialistHomes: {} };
}

export const assessLocationQuarter = (q: LocationQuarter, model: RiskModelConfig, baseline: MarketBaseline = neutralBaseline(q.on)): RiskAssessment =>
  scoreLocation({ location: locationOf(q), signals: signalsOf(q), providerSignals: [], baseline, asOf: q.on, model });

/** What a location-quarter is measured by: the model's likelihood and band, the baseline's rank. */
export interface ScoredQuarter {
  quarter: LocationQuarter;
  score: number;
  band: Band;
  baselineScore: number;
}

export function scoreQuarters(quarters: readonly LocationQuarter[], model: RiskModelConfig): ScoredQuarter[] {
  const baselines = new Map<IsoDate, MarketBaseline>();
  return quarters.map((quarter) => {
    const baseline = baselines.get(quarter.on) ?? neutralBaseline(quarter.on);
    baselines.set(quarter.on, baseline);
    const assessment = assessLocationQuarter(quarter, model, baseline);
    return { quarter, score: assessment.likelihood, band: assessment.band, baselineScore: BASELINE_RANK[quarter.current] };
  });
}

/** The warnings measured: the model's two bands, and the baseline's own flag (a current Requires improvement). */
export const WARNINGS = {
  Red: (q: ScoredQuarter) => q.band === 'Red',
  'Amber+': (q: ScoredQuarter) => q.band !== 'Green',
  'Requires improvement': (q: ScoredQuarter) => q.quarter.current === 'Requires improvement',
} as const;
export type Warning = keyof typeof WARNINGS;
const WARNING_NAMES = Object.keys(WARNINGS) as Warning[];

/** One location's share of an outcome's measures, added up per bootstrap resample. */
interface OutcomeTally {
  model: ScoreCount[];
  baseline: ScoreCount[];
  warned: Record<Warning, { quarters: number; positives: number }>;
  /** Events with a scored quarter of the location in the 12 months before them. */
  events: { bestScore: number; bestBaseline: number; leadDays: Record<Warning, number | null> }[];
}

export type LocationTally = Record<Outcome, OutcomeTally>;


function tallyOutcome(location: LocationHistory, scored: readonly ScoredQuarter[], outcome: Outcome): OutcomeTally {
  const { positive, eventsOf } = OUTCOMES[outcome];
  const warned = Object.fromEntries(
    WARNING_NAMES.map((w) => {
      const inBand = scored.filter(WARNINGS[w]);
      return [w, { quarters: inBand.length, positives: inBand.filter((s) => positive(s.quarter)).length }];
    }),
  ) as OutcomeTally['warned'];
  const events = eventsOf(location).flatMap((eventOn) => {
    const before = scored.filter((s) => warns(s.quarter.on, eventOn, HORIZON_MONTHS));
    if (before.length === 0) return [];
    const leadDays = Object.fromEntries(
      WARNING_NAMES.map((w) => {
        const first = before.find(WARNINGS[w]);
        return [w, first ? daysBetween(first.quarter.on, eventOn) : null];
      }),
    ) as Record<Warning, number | null>;
    return [{ bestScore: Math.max(...before.map((s) => s.score)), bestBaseline: Math.max(...before.map((s) => s.baselineScore)), leadDays }];
  });
  return {
    model: scoreCounts(scored.map((s) => ({ score: s.score, positive: positive(s.quarter) }))),
    baseline: scoreCounts(scored.map((s) => ({ score: s.baselineScore, positive: positive(s.quarter) }))),
    warned,
    events,
  };
}

/** One tally per location with at least one scored quarter: the bootstrap's clusters. */
export function tallyLocations(locations: readonly LocationHistory[], scored: readonly ScoredQuarter[]): LocationTally[] {
  const byLocation = groupBy(scored, (s) => s.quarter.locationId);
  return locations.flatMap((location) => {
    const own = byLocation.get(location.locationId);
    if (!own) return [];
    const inOrder = own.toSorted((a, b) => a.quarter.on.localeCompare(b.quarter.on));
    return [{ inadequate: tallyOutcome(location, inOrder, 'inadequate'), deregistration: tallyOutcome(location, inOrder, 'deregistration') }];
  });
}

const merged = (lists: readonly (readonly ScoreCount[])[]): ScoreCount[] => {
  const byScore = new Map<number, ScoreCount>();
  for (const list of lists) {
    for (const { score, positives, negatives } of list) {
      const count = byScore.get(score) ?? { score, positives: 0, negatives: 0 };
      count.positives += positives;
      count.negatives += negatives;
      byScore.set(score, count);
    }
  }
  return [...byScore.values()];
};

/** Every measure of one outcome over a sample of locations, keyed for the bootstrap. */
function outcomeStatistics(tallies: readonly OutcomeTally[], prefix: Outcome): Record<string, number | null> {
  const model = merged(tallies.map((t) => t.model));
  const baseline = merged(tallies.map((t) => t.baseline));
  const events = tallies.flatMap((t) => t.events);
  const stats: Record<string, number | null> = {
    [`${prefix}.auc`]: aucOfCounts(model),
    [`${prefix}.baselineAuc`]: aucOfCounts(baseline),
    [`${prefix}.recallAt50Precision`]: recallAtPrecision(model, events.map((e) => e.bestScore), 0.5)?.recall ?? null,
    [`${prefix}.baselineRecallAt50Precision`]: recallAtPrecision(baseline, events.map((e) => e.bestBaseline), 0.5)?.recall ?? null,
  };
  for (const w of WARNING_NAMES) {
    const quarters = tallies.reduce((sum, t) => sum + t.warned[w].quarters, 0);
    const positives = tallies.reduce((sum, t) => sum + t.warned[w].positives, 0);
    const leads = events.flatMap((e) => (e.leadDays[w] === null ? [] : [e.leadDays[w]]));
    stats[`${prefix}.${w}.precision`] = ratio(positives, quarters);
    stats[`${prefix}.${w}.recall`] = ratio(leads.length, events.length);
    stats[`${prefix}.${w}.medianLeadDays`] = percentile(leads, 50);
  }
  return stats;
}

export const allStatistics = (tallies: readonly LocationTally[]): Record<string, number | null> => ({
  ...outcomeStatistics(tallies.map((t) => t.inadequate), 'inadequate'),
  ...outcomeStatistics(tallies.map((t) => t.deregistration), 'deregistration'),
});

export interface BandReport {
  precision: number | null;
  precisionInterval: [number, number] | null;
  recall: number | null;
  recallInterval: [number, number] | null;
  leadTimeDays: { median: number | null; interval: [number, number] | null; n: number };
  counts: { warnedLocationQuarters: number; followedByEvent: number; events: number; eventsWarned: number };
}

export interface OutcomeReport {
  outcome: string;
  auc: number | null;
  baselineAuc: number | null;
  aucInterval: [number, number] | null;
  baselineAucInterval: [number, number] | null;
  recallAt50Precision: { model: number | null; modelInterval: [number, number] | null; baseline: number | null; baselineInterval: [number, number] | null };
  bands: Record<'Red' | 'Amber+', BandReport>;
  /** The baseline's own warning (a current Requires improvement), measured as the bands are. */
  baselineFlag: { 'Requires improvement': BandReport };
  counts: { locationQuarters: number; positives: number; events: number };
}

function bandReport(tallies: readonly OutcomeTally[], estimates: Record<string, BootstrapEstimate>, prefix: string, w: Warning): BandReport {
  const events = tallies.flatMap((t) => t.events);
  const leads = events.filter((e) => e.leadDays[w] !== null).length;
  const at = (name: string) => estimates[`${prefix}.${w}.${name}`]!;
  return {
    precision: at('precision').value,
    precisionInterval: at('precision').interval,
    recall: at('recall').value,
    recallInterval: at('recall').interval,
    leadTimeDays: { median: at('medianLeadDays').value, interval: at('medianLeadDays').interval, n: leads },
    counts: {
      warnedLocationQuarters: tallies.reduce((sum, t) => sum + t.warned[w].quarters, 0),
      followedByEvent: tallies.reduce((sum, t) => sum + t.warned[w].positives, 0),
      events: events.length,
      eventsWarned: leads,
    },
  };
}

export function outcomeReport(all: readonly LocationTally[], estimates: Record<string, BootstrapEstimate>, outcome: Outcome): OutcomeReport {
  const tallies = all.map((t) => t[outcome]);
  const at = (name: string) => estimates[`${outcome}.${name}`]!;
  const points = merged(tallies.map((t) => t.model));
  return {
    outcome: OUTCOMES[outcome].label,
    auc: at('auc').value,
    baselineAuc: at('baselineAuc').value,
    aucInterval: at('auc').interval,
    baselineAucInterval: at('baselineAuc').interval,
    recallAt50Precision: {
      model: at('recallAt50Precision').value,
      modelInterval: at('recallAt50Precision').interval,
      baseline: at('baselineRecallAt50Precision').value,
      baselineInterval: at('baselineRecallAt50Precision').interval,
    },
    bands: { Red: bandReport(tallies, estimates, outcome, 'Red'), 'Amber+': bandReport(tallies, estimates, outcome, 'Amber+') },
    baselineFlag: { 'Requires improvement': bandReport(tallies, estimates, outcome, 'Requires improvement') },
    counts: {
      locationQuarters: points.reduce((sum, c) => sum + c.positives + c.negatives, 0),
      positives: points.reduce((sum, c) => sum + c.positives, 0),
      events: tallies.reduce((sum, t) => sum + t.events.length, 0),
    },
  };
}

export interface BootstrapOptions {
  resamples: number;
  drawIndex: (size: number) => number;
}

/** Both outcomes' reports from the scored quarters, with intervals from one cluster bootstrap over locations. */
export function measure(locations: readonly LocationHistory[], scored: readonly ScoredQuarter[], bootstrap: BootstrapOptions): Record<Outcome, OutcomeReport> {
  const tallies = tallyLocations(locations, scored);
  const estimates = clusterBootstrap(tallies, allStatistics, bootstrap);
  return { inadequate: outcomeReport(tallies, estimates, 'inadequate'), deregistration: outcomeReport(tallies, estimates, 'deregistration') };
}
