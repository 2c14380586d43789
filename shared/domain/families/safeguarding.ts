// The safeguarding family: the concerns councils received about a service and the s.42 enquiries they led
// to, against what a service of its kind and exposure would have, plus a rising trend.
import type { MarketBaseline } from '../baseline.js';
import { addMonths, daysBetween, monthOf } from '../dates.js';
import { isCareHome, type Location, type Signal, type SignalOf } from '../model.js';
import { poissonUpperTail } from '../poisson.js';
import type { RiskModelConfig } from '../risk-model.js';
import { ewmaRise } from '../trends.js';
import { addFactor, type Context, draft, type FamilyDraft, latest, ofKind } from './common.js';

type Concern = SignalOf<'safeguarding-concern'>;
type Rates = NonNullable<MarketBaseline['safeguardingRatesByKind']>[Location['region']][Location['serviceKind']];

export function safeguardingFamily(location: Location, signals: Signal[], ctx: Context): FamilyDraft {
  const config = ctx.model.safeguarding;
  const d = draft('safeguarding');
  // Councils report every concern they receive, so no concern on record is data (a score of 0), not a gap.
  d.hasData = true;
  const concerns = ofKind(signals, 'safeguarding-concern');
  d.lastDataOn = latest(concerns)?.describedOn ?? null;
  const windowStart = addMonths(ctx.asOf, -config.windowMonths);
  const recent = concerns.filter((s) => s.describedOn > windowStart);
  const rates = ctx.baseline.safeguardingRatesByKind?.[location.region]?.[location.serviceKind];
  if (config.exposure && rates) {
    exposureTests(location, concerns, recent, rates, config.exposure, d, ctx);
  } else {
    if (config.exposure) ctx.flags.push(`Baseline ${ctx.baseline.version} has no safeguarding rates by service kind: concerns judged by the regional ratio`);
    ratioBands(location, concerns, recent, d, ctx);
  }
  return d;
}

/** A concern and its s.42 enquiry counted as two, as the pooled regional rates count them. */
const weight = (s: Concern) => 1 + (s.facts.section42Enquiry ? 1 : 0);

/** Before version 3: concerns plus enquiries over the count expected at the region's pooled rate. */
function ratioBands(location: Location, concerns: Concern[], recent: Concern[], d: FamilyDraft, ctx: Context): void {
  const config = ctx.model.safeguarding;
  const weighted = recent.reduce((sum, s) => sum + weight(s), 0);
  const expected = expectedConcerns(location, ctx.baseline, config.windowMonths);
  if (recent.length >= config.minimumConcerns && expected > 0) {
    const ratio = weighted / expected;
    const band = config.ratioBands
      .slice()
      .sort((a, b) => b.aboveRegionalMedianTimes - a.aboveRegionalMedianTimes)
      .find((b) => ratio > b.aboveRegionalMedianTimes);
    if (band) {
      const enquiries = recent.filter((s) => s.facts.section42Enquiry).length;
      addFactor(d, `Safeguarding concerns ${ratio.toFixed(1)}x the regional rate`, band.points, [
        {
          source: 'safeguarding-return',
          date: latest(recent)!.describedOn,
          value: `${recent.length} concerns, ${enquiries} s.42 enquiries in ${config.windowMonths} months (expected ${expected.toFixed(1)})`,
        },
      ]);
    }
  }
  if (recent.length >= config.minimumConcerns) risingTrend(concerns, recent, weight, expected / config.windowMonths, d, ctx);
}

/** Concerns (and enquiries) a location of this size would have in the window at its region's rate. */
function expectedConcerns(location: Location, baseline: MarketBaseline, windowMonths: number): number {
  const rates = baseline.safeguardingRates[location.region];
  if (!rates) return 0;
  const perYear = location.beds > 0 ? (rates.per10Beds * location.beds) / 10 : rates.perCommunityService;
  return (perYear * windowMonths) / 12;
}

type ExposureRule = NonNullable<RiskModelConfig['safeguarding']['exposure']>;

/**
 * Version 3: concerns, and apart s.42 enquiries, against the counts expected of the service's exposure (its
 * beds, or one community service) at its region's rate for its kind, by a one-sided Poisson test. A count
 * judged this way means as much at a 3-bed home as at a 90-bed one, which a ratio of small numbers does not.
 */
function exposureTests(location: Location, concerns: Concern[], recent: Concern[], rates: Rates, rule: ExposureRule, d: FamilyDraft, ctx: Context): void {
  const { windowMonths } = ctx.model.safeguarding;
  const exposure = isCareHome(location) ? location.beds / 10 : 1;
  const enquiries = recent.filter((s) => s.facts.section42Enquiry).length;
  const expected = { concerns: (rates.concerns * exposure * windowMonths) / 12, enquiries: (rates.enquiries * exposure * windowMonths) / 12 };
  const [strongest] = [
    { what: 'concerns', observed: recent.length, expected: expected.concerns },
    { what: 's.42 enquiries', observed: enquiries, expected: expected.enquiries },
  ]
    .filter((t) => t.observed > 0 && t.expected > 0)
    .map((t) => ({ ...t, p: poissonUpperTail(t.observed, t.expected) }))
    .sort((a, b) => a.p - b.p);
  const { evidence } = rule;
  const confirmed = enquiries >= evidence.section42Enquiries || clustered(recent, evidence.clusterConcerns, evidence.clusterDays);
  const band = strongest && rule.pValuePoints.slice().sort((a, b) => a.below - b.below).find((b) => strongest.p < b.below);
  if (strongest && band) {
    const exposed = isCareHome(location) ? `${location.beds} beds` : 'one service';
    const indicator = `Safeguarding ${strongest.what} above expected (${pText(strongest.p)})${confirmed ? '' : ', unconfirmed'}`;
    addFactor(d, indicator, confirmed ? band.points : Math.min(band.points, rule.unconfirmedMaxPoints), [
      {
        source: 'safeguarding-return',
        date: latest(recent)!.describedOn,
        value:
          `${recent.length} concerns, ${enquiries} s.42 enquiries in ${windowMonths} months; expected ${expected.concerns.toFixed(2)} and ${expected.enquiries.toFixed(2)} ` +
          `for ${exposed} of its kind in ${location.region}` +
          (confirmed ? '' : `; no s.42 enquiry and no ${evidence.clusterConcerns} concerns within ${evidence.clusterDays} days`),
      },
    ]);
  }
  if (confirmed) risingTrend(concerns, recent, () => 1, expected.concerns / windowMonths, d, ctx);
}

/** At least `size` concerns received within one period of `days` days. */
function clustered(recent: readonly Concern[], size: number, days: number): boolean {
  return recent.some((s, i) => i + size - 1 < recent.length && daysBetween(s.describedOn, recent[i + size - 1]!.describedOn) < days);
}

const pText = (p: number): string => (p < 0.0001 ? 'p < 0.0001' : `p = ${p.toPrecision(2)}`);

/** EWMA on monthly counts over two years against the expected monthly count (Poisson: sigma = sqrt(mean)). */
function risingTrend(concerns: Concern[], recent: Concern[], count: (s: Concern) => number, target: number, d: FamilyDraft, ctx: Context): void {
  const config = ctx.model.safeguarding;
  const months = 24;
  const monthly = Array.from({ length: months }, (_, i) => monthOf(addMonths(ctx.asOf, i - months + 1)));
  const counts = monthly.map((m) => concerns.filter((s) => monthOf(s.describedOn) === m).reduce((sum, s) => sum + count(s), 0));
  const trend = ewmaRise(counts, target, Math.sqrt(Math.max(target, 0.05)), config.ewma);
  if (trend.signalled) {
    addFactor(d, 'Rising safeguarding concerns (EWMA)', config.risingTrendPoints, [
      { source: 'safeguarding-return', date: latest(recent)!.describedOn, value: `EWMA ${trend.statistic.toFixed(2)} > limit ${trend.limit.toFixed(2)} a month` },
    ]);
  }
}
