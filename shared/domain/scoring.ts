// The risk model: an explainable likelihood from five families of indicators, hard triggers that pin Red,
// an impact tier, and the band and monitoring level they imply. Pure: signals and a baseline in, an
// assessment out, so any past assessment can be reproduced from the stored signals and the model version.
import { contributionsOf, familyFeatures, logistic, ratingFeatures, ratingHistory, trendDate } from './calibration.js';
import { addMonths, monthOf, monthsBetween } from './dates.js';
import type { MarketBaseline } from './baseline.js';
import { addFactor, type Context, draft, evidence, type FamilyDraft, latest, ofKind } from './families/common.js';
import { impactFlags, locationImpact } from './families/impact.js';
import { safeguardingFamily } from './families/safeguarding.js';
import { knownAt, latestReport } from './known-at.js';
import {
  type Band,
  BANDS,
  type Factor,
  FAMILIES,
  type FamilyResult,
  type ImpactTier,
  isCareHome,
  type IsoDate,
  type Location,
  type MonitoringLevel,
  type Rating,
  type RegistrationLink,
  type RiskAssessment,
  type Signal,
  type SignalOf,
} from './model.js';
import type { RiskModelConfig } from './risk-model.js';
import { inheritedFlag, noteOf, passedOnFlag } from './succession.js';
import { cusumFall, mean, standardDeviation } from './trends.js';

export const HARD_TRIGGERS = {
  inadequateOverall: 'Inadequate overall rating',
  inadequateSafe: 'Inadequate in Safe',
  inadequateWellLed: 'Inadequate in Well-led',
  deregistered: 'Registration cancelled',
  insolvency: 'Insolvency or administration',
  s56Notice: 'Care Act s.56 notice of likely business failure',
  contractSuspended: 'Council contract suspended',
} as const;


const RATING_RANK: Record<Rating, number> = { Outstanding: 0, Good: 1, 'Requires improvement': 2, Inadequate: 3 };

function qualityFamily(signals: Signal[], ctx: Context): FamilyDraft {
  const { quality, commissioner } = ctx.model;
  const d = draft('quality');
  const anyRated = ofKind(signals, 'rating').filter((s) => s.facts.overall !== null);
  // A register extract repeats the current rating under its snapshot date. Once a source gives ratings with
  // their publication dates (the CQC API), those alone say when the rating was published and what it replaced.
  const dated = anyRated.filter((s) => s.facts.publishedOn !== null);
  const rated = dated.length > 0 ? dated : anyRated;
  const current = latest(rated);
  if (current) {
    const overall = current.facts.overall!;
    d.hasData = true;
    d.lastDataOn = current.facts.publishedOn ?? current.describedOn;
    addFactor(d, `Overall rating ${overall}`, quality.overallPoints[overall], [evidence(current, overall)]);
    const previous = [...rated].reverse().find((s) => s.facts.overall !== overall && s.describedOn < current.describedOn);
    if (previous && RATING_RANK[overall] > RATING_RANK[previous.facts.overall!]) {
      addFactor(d, `Downgraded from ${previous.facts.overall}`, quality.downgradePoints, [
        evidence(previous, previous.facts.overall!),
        evidence(current, overall),
      ]);
    }
    if (overall === 'Inadequate') ctx.hardTriggers.add(HARD_TRIGGERS.inadequateOverall);
    for (const [question, trigger] of [
      ['safe', HARD_TRIGGERS.inadequateSafe],
      ['wellLed', HARD_TRIGGERS.inadequateWellLed],
    ] as const) {
      if (current.facts[question] === 'Inadequate') {
        ctx.hardTriggers.add(trigger);
        addFactor(d, trigger, quality.inadequateSafeOrWellLedPoints, [evidence(current, `${question}: Inadequate`)]);
      }
    }
    if (current.facts.publishedOn !== null) {
      const age = monthsBetween(current.facts.publishedOn, ctx.asOf);
      // "Older than N months" by date, so 30 months and a fortnight is older than 30 months.
      if (current.facts.publishedOn < addMonths(ctx.asOf, -quality.staleRatingMonths)) {
        d.stale = true;
        d.freshness = ctx.model.staleness.staleFamilyConfidence;
        ctx.flags.push(`Rating is ${age} months old (published ${current.facts.publishedOn})`);
        if (overall === 'Requires improvement') {
          addFactor(d, `Requires improvement for over ${quality.staleRatingMonths} months`, quality.staleRatingWhileRequiresImprovementPoints, [
            evidence(current, current.facts.publishedOn),
          ]);
        }
      }
    }
  }
  for (const action of activeCommissionerActions(signals)) {
    if (action.facts.action === 'placement-embargo') {
      d.hasData = true;
      addFactor(d, `Placement embargo by ${action.facts.councilGss}`, commissioner.placementEmbargoPoints, [evidence(action, action.facts.action)]);
    } else if (action.facts.action === 'cqc-enforcement') {
      d.hasData = true;
      addFactor(d, 'CQC enforcement action', commissioner.cqcEnforcementPoints, [evidence(action, action.facts.action)]);
    }
  }
  return d;
}

/**
 * Commissioner actions still in force: a suspension stands until the same council reinstates the contract,
 * an embargo until it is lifted; enforcement and s.56 notices stand once made.
 */
function activeCommissionerActions(signals: Signal[]): SignalOf<'commissioner-action'>[] {
  const ending: Partial<Record<string, string>> = {
    'contract-reinstated': 'contract-suspended',
    'placement-embargo-lifted': 'placement-embargo',
  };
  const active = new Map<string, SignalOf<'commissioner-action'>>();
  for (const action of ofKind(signals, 'commissioner-action')) {
    const ended = ending[action.facts.action];
    const subjectKey = `${action.subject.type}#${action.subject.id}#${action.facts.councilGss}`;
    if (ended) active.delete(`${subjectKey}#${ended}`);
    else active.set(`${subjectKey}#${action.facts.action}`, action);
  }
  return [...active.values()];
}

const INSOLVENT_STATUSES = new Set(['liquidation', 'receivership', 'administration', 'insolvency-proceedings', 'voluntary-arrangement', 'dissolved', 'converted-closed']);

function financialFamily(providerSignals: Signal[], ctx: Context): FamilyDraft {
  const config = ctx.model.financial;
  const d = draft('financial');
  const current = latest(ofKind(providerSignals, 'financial-indicator'));
  if (!current) return d;
  const f = current.facts;
  d.hasData = true;
  d.lastDataOn = current.describedOn;
  if (INSOLVENT_STATUSES.has(f.companyStatus)) {
    ctx.hardTriggers.add(HARD_TRIGGERS.insolvency);
    addFactor(d, `Company status: ${f.companyStatus}`, config.insolvencyStatusPoints, [evidence(current, f.companyStatus)]);
  }
  if (f.accountsOverdueDays > config.accountsOverdueDays) {
    addFactor(d, `Accounts ${f.accountsOverdueDays} days overdue`, config.accountsOverduePoints, [evidence(current, `${f.accountsOverdueDays} days`)]);
  }
  if (f.confirmationStatementOverdue) {
    addFactor(d, 'Confirmation statement overdue', config.confirmationStatementOverduePoints, [evidence(current, 'overdue')]);
  }
  if (f.newChargeWithin12Months) addFactor(d, 'New charge registered', config.newChargePoints, [evidence(current, 'new charge')]);
  if (f.creditScore !== null && f.creditScore <= config.creditWarningAtOrBelow) {
    addFactor(d, `Credit score in warning area (${f.creditScore})`, config.creditWarningPoints, [evidence(current, String(f.creditScore))]);
  }
  return d;
}


function occupancyFamily(location: Location, signals: Signal[], ctx: Context): FamilyDraft {
  const config = ctx.model.occupancy;
  const d = draft('occupancy');
  if (!isCareHome(location)) return d;
  const returns = ofKind(signals, 'capacity-return').filter((s) => s.facts.maxCapacity > 0);
  const current = latest(returns);
  if (!current) {
    ctx.flags.push('No Capacity Tracker return on record');
    return d;
  }
  d.hasData = true;
  d.lastDataOn = current.describedOn;
  const monthsSince = monthsBetween(`${current.facts.period}-01`, `${monthOf(ctx.asOf)}-01`);
  if (monthsSince >= ctx.model.staleness.capacityReturnVeryStaleMonths) {
    d.stale = true;
    d.freshness = ctx.model.staleness.veryStaleFamilyConfidence;
    ctx.flags.push(`No Capacity Tracker return for ${monthsSince} months (last ${current.facts.period}): risks a fine`);
  } else if (monthsSince >= ctx.model.staleness.capacityReturnStaleMonths) {
    d.stale = true;
    d.freshness = ctx.model.staleness.staleFamilyConfidence;
    ctx.flags.push(`No Capacity Tracker return for ${monthsSince} months (last ${current.facts.period}): prompts contact`);
  }
  const occupancyPct = (r: SignalOf<'capacity-return'>) => (100 * r.facts.usedBeds) / r.facts.maxCapacity;
  const latestPct = occupancyPct(current);
  const band = config.bands
    .slice()
    .sort((a, b) => b.atLeastPct - a.atLeastPct)
    .find((b) => latestPct >= b.atLeastPct);
  addFactor(d, `Occupancy ${latestPct.toFixed(0)}%`, band ? band.points : config.belowLowestPoints, [
    evidence(current, `${current.facts.usedBeds} of ${current.facts.maxCapacity} beds used (${current.facts.period})`),
  ]);
  const series = returns.slice(-12).map(occupancyPct);
  if (series.length > config.cusumBaselineMonths) {
    const baselinePart = series.slice(0, config.cusumBaselineMonths);
    const sigma = Math.max(standardDeviation(baselinePart), config.cusumSigmaFloorPct);
    const trend = cusumFall(series.slice(config.cusumBaselineMonths), mean(baselinePart), sigma, config.cusum);
    if (trend.signalled) {
      addFactor(d, 'Falling occupancy (CUSUM)', config.fallingTrendPoints, [
        evidence(current, `from ${mean(baselinePart).toFixed(0)}% to ${latestPct.toFixed(0)}%; CUSUM ${trend.statistic.toFixed(1)} > ${trend.limit.toFixed(1)}`),
      ]);
    }
  }
  if (current.facts.acceptingAdmissions === false) {
    addFactor(d, 'Not accepting admissions', config.notAcceptingAdmissionsPoints, [evidence(current, 'not accepting')]);
  }
  return d;
}

/**
 * Since when the registered manager has been absent, by the latest report: the CQC API's own manager signal
 * where there is one, since a register snapshot (which cannot tell) would otherwise hide it; else the
 * registration's.
 */
function managerAbsence(signals: Signal[]): { reported: Signal | undefined; absentSince: IsoDate | null } {
  const manager = latest(ofKind(signals, 'registered-manager'));
  if (manager) return { reported: manager, absentSince: manager.facts.absentSince };
  const registration = latest(ofKind(signals, 'registration'));
  return { reported: registration, absentSince: registration?.facts.registeredManagerAbsentSince ?? null };
}

function workforceFamily(signals: Signal[], ctx: Context): FamilyDraft {
  const config = ctx.model.workforce;
  const d = draft('workforce');
  const { reported, absentSince } = managerAbsence(signals);
  if (reported && absentSince !== null) {
    d.hasData = true;
    d.lastDataOn = reported.describedOn;
    const months = monthsBetween(absentSince, ctx.asOf);
    // "More than N months": absent since before the date N months ago, so 3 months and a day counts.
    const band = config.managerAbsentMonths
      .slice()
      .sort((a, b) => b.moreThan - a.moreThan)
      .find((b) => absentSince < addMonths(ctx.asOf, -b.moreThan));
    if (band) addFactor(d, `Registered manager absent ${months} months`, band.points, [evidence(reported, `absent since ${absentSince}`)]);
  }
  const staffed = latest(ofKind(signals, 'capacity-return').filter((s) => s.facts.agencyHoursPct !== null || s.facts.staffAbsencePct !== null));
  if (staffed) {
    d.hasData = true;
    d.lastDataOn = d.lastDataOn && d.lastDataOn > staffed.describedOn ? d.lastDataOn : staffed.describedOn;
    const { agencyHoursPct, staffAbsencePct } = staffed.facts;
    if (agencyHoursPct !== null && agencyHoursPct >= config.highAgencyHoursPct) {
      addFactor(d, `High agency use (${agencyHoursPct}% of hours)`, config.highAgencyPoints, [evidence(staffed, `${agencyHoursPct}%`)]);
    }
    if (staffAbsencePct !== null && staffAbsencePct >= config.highAbsencePct) {
      addFactor(d, `High staff absence (${staffAbsencePct}%)`, config.highAbsencePoints, [evidence(staffed, `${staffAbsencePct}%`)]);
    }
  }
  agencyRise(signals, d, config);
  return d;
}

/** Agency hours against the home's own past, where returns give hours but no share (see the model's `agencyRise`). */
function agencyRise(signals: Signal[], d: FamilyDraft, config: RiskModelConfig['workforce']): void {
  const rule = config.agencyRise;
  const withHours = ofKind(signals, 'capacity-return').filter((s) => s.facts.agencyHours !== undefined && s.facts.agencyHoursPct === null);
  const current = latest(withHours);
  const earlier = withHours.slice(0, -1).slice(-(rule?.baselineReturns ?? 0)).map((s) => s.facts.agencyHours!);
  if (!rule || !current || earlier.length < 3) return;
  d.hasData = true;
  d.lastDataOn = d.lastDataOn && d.lastDataOn > current.describedOn ? d.lastDataOn : current.describedOn;
  const sorted = [...earlier].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  const hours = current.facts.agencyHours!;
  if (hours >= rule.minHours && hours >= rule.times * Math.max(median, 1)) {
    addFactor(d, `Agency hours ${hours} against a usual ${median} a month`, config.highAgencyPoints, [evidence(current, `${hours} hours`)]);
  }
}

function commissionerTriggers(signals: Signal[], ctx: Context): void {
  for (const action of activeCommissionerActions(signals)) {
    if (action.facts.action === 's56-notice') ctx.hardTriggers.add(HARD_TRIGGERS.s56Notice);
    if (action.facts.action === 'contract-suspended') ctx.hardTriggers.add(HARD_TRIGGERS.contractSuspended);
  }
}

/** A deregistration is a closure only while no successor is known: a change of owner or a move is not. */
function registrationTriggers(signals: Signal[], succeededBy: RegistrationLink | undefined, ctx: Context): void {
  if (succeededBy === undefined && latestReport(ofKind(signals, 'registration'))?.facts.status === 'Deregistered') ctx.hardTriggers.add(HARD_TRIGGERS.deregistered);
}

const familyScore = (d: FamilyDraft): number | null => (d.hasData ? Math.min(100, d.factors.reduce((sum, f) => sum + f.points, 0)) : null);

function toFamilyResult(d: FamilyDraft, model: RiskModelConfig, score: number | null = familyScore(d)): FamilyResult {
  return { family: d.family, score, weight: model.weights[d.family], lastDataOn: d.lastDataOn, stale: d.stale };
}

/**
 * Families without data are left out, never scored 0: under the weighted mean the weights of the others are
 * renormalised; under the noisy-OR an absent family is neutral. Missing data lowers confidence instead.
 */
export function likelihoodOf(families: readonly FamilyResult[], model: RiskModelConfig): number {
  const scored = families.filter((f) => f.score !== null);
  const { combination } = model;
  if (combination.method === 'noisy-or') {
    const noneLeadsToFailure = scored.reduce((product, f) => product * (1 - (combination.strength[f.family] * f.score!) / 100), 1);
    return Math.round(1000 * (1 - noneLeadsToFailure)) / 10;
  }
  const weight = scored.reduce((sum, f) => sum + f.weight, 0);
  if (weight === 0) return 0;
  return Math.round((10 * scored.reduce((sum, f) => sum + f.weight * f.score!, 0)) / weight) / 10;
}

/** The share of the model's weight backed by fresh data. */
function confidenceOf(drafts: readonly FamilyDraft[], model: RiskModelConfig): number {
  const total = FAMILIES.reduce((sum, f) => sum + model.weights[f], 0);
  const backed = drafts.reduce((sum, d) => sum + (d.hasData ? model.weights[d.family] * d.freshness : 0), 0);
  return Math.round((100 * backed) / total) / 100;
}

/** The likelihood's band, one higher at High impact from the model's `liftFrom` band up; Red on a hard trigger. */
export function bandOf(likelihood: number, impact: ImpactTier, hardTriggered: boolean, model: RiskModelConfig): Band {
  if (hardTriggered) return 'Red';
  const index = likelihood >= model.bands.redFrom ? 2 : likelihood >= model.bands.amberFrom ? 1 : 0;
  const lifted = impact === 'High' && index >= BANDS.indexOf(model.impact.liftFrom ?? 'Green');
  return BANDS[Math.min(2, index + (lifted ? 1 : 0))]!;
}

export const MONITORING_LEVEL: Record<Band, MonitoringLevel> = { Green: 'Standard', Amber: 'Responsive', Red: 'Enhanced' };

export interface LocationScoringInput {
  location: Location;
  /** The location's own signals (any received date: scoring filters to what was known at asOf). */
  signals: readonly Signal[];
  /** Its provider's company-level signals: financial indicators, commissioner actions against the provider. */
  providerSignals: readonly Signal[];
  baseline: MarketBaseline;
  asOf: IsoDate;
  model: RiskModelConfig;
  /** The registration this one passed to (a change of owner, a move): it is then no longer a live service. */
  succeededBy?: RegistrationLink;
  /** The registrations this one took over: their history is among `signals`, marked as inherited. */
  predecessors?: readonly RegistrationLink[];
}

export function scoreLocation(input: LocationScoringInput): RiskAssessment {
  const { location, asOf, model, baseline } = input;
  const own = knownAt(input.signals, asOf);
  const company = knownAt(input.providerSignals, asOf);
  const ctx: Context = { asOf, model, baseline, hardTriggers: new Set(), flags: [] };
  const drafts = [
    qualityFamily([...own, ...company], ctx),
    safeguardingFamily(location, own, ctx),
    financialFamily(company, ctx),
    occupancyFamily(location, own, ctx),
    workforceFamily(own, ctx),
  ];
  commissionerTriggers([...own, ...company], ctx);
  registrationTriggers(own, input.succeededBy, ctx);
  const { succeededBy, predecessors = [] } = input;
  // A registration that passed on holds no residents under it: its triggers and data flags belong to its successor.
  if (succeededBy) {
    ctx.hardTriggers.clear();
    ctx.flags.splice(0, ctx.flags.length, passedOnFlag(succeededBy));
  }
  const families = drafts.map((d) => toFamilyResult(d, model));
  const factors = sortFactors(drafts.flatMap((d) => d.factors));
  const calibrated = model.calibration ? fittedLikelihood(input, { families, factors }, own) : null;
  const likelihood = calibrated?.likelihood ?? likelihoodOf(families, model);
  if (calibrated && !input.succeededBy) ctx.flags.unshift(calibrated.flag);
  const impact = locationImpact(location, own, ctx);
  const hardTriggers = [...ctx.hardTriggers].sort();
  const band = bandOf(likelihood, impact.tier, hardTriggers.length > 0, model);
  const unraised = bandOf(likelihood, 'Low', hardTriggers.length > 0, model);
  return {
    subject: { type: 'location', id: location.locationId },
    name: location.name,
    asOf,
    likelihood,
    impact: impact.tier,
    band,
    monitoringLevel: MONITORING_LEVEL[band],
    hardTriggers,
    factors,
    families,
    confidence: confidenceOf(drafts, model),
    modelVersion: model.version,
    baselineVersion: baseline.version,
    flags: [...predecessors.map(inheritedFlag), ...ctx.flags, ...(succeededBy ? [] : impactFlags(impact, band, unraised, model))],
    councils: [location.councilGss],
    regions: [location.region],
    beds: location.beds,
    bedsByCouncil: { [location.councilGss]: location.beds },
    sharedAcrossCouncils: false,
    ...(succeededBy ? { passedOn: [noteOf(succeededBy, succeededBy.successorId)] } : {}),
    ...(predecessors.length > 0 ? { inheritedFrom: predecessors.map((link) => noteOf(link, link.predecessorId)) } : {}),
  };
}

/**
 * A calibrated model's likelihood: 100 x its fitted probability of failure within 12 months, from the
 * rating history and the family scores now and six months before (scored from what was known then, against
 * the same baseline), with a flag naming what moved it most.
 */
function fittedLikelihood(input: LocationScoringInput, now: Pick<RiskAssessment, 'families' | 'factors'>, own: readonly Signal[]): { likelihood: number; flag: string } {
  const { location, asOf, model } = input;
  const calibration = model.calibration!;
  const earlier = scoreLocation({ ...input, asOf: trendDate(asOf), model: { ...model, calibration: undefined } });
  const rating = ratingFeatures({ ratings: ratingHistory(own, asOf), registeredOn: location.registeredOn, asOf });
  const contributions = contributionsOf({ rating, family: familyFeatures(now, earlier) }, calibration, location.serviceKind);
  const p = logistic(contributions.reduce((sum, c) => sum + c.logOdds, 0));
  const largest = contributions
    .filter((c) => c.term !== 'intercept' && c.logOdds !== 0)
    .sort((a, b) => Math.abs(b.logOdds) - Math.abs(a.logOdds))
    .slice(0, 3)
    .map((c) => `${c.term} ${c.logOdds > 0 ? '+' : ''}${c.logOdds.toFixed(2)}`);
  return {
    likelihood: Math.round(1000 * p) / 10,
    flag: `Fitted chance of failure within 12 months: ${(100 * p).toFixed(1)}% (${calibration.version}; largest log-odds terms: ${largest.join(', ') || 'none'})`,
  };
}

export const sortFactors = (factors: readonly Factor[]): Factor[] =>
  [...factors].sort((a, b) => b.points - a.points || a.family.localeCompare(b.family) || a.indicator.localeCompare(b.indicator));

