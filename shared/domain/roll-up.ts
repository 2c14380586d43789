// Provider and group risk from their members' assessments. A provider is its live locations, a group its
// live providers (a home that changed owner counts under its new owner only), each member weighted by its beds (a community service counts as a 10-bed home, so home care
// is not weightless). Company-level signals (accounts, insolvency, a provider-wide s.56 notice) already
// sit in every location's assessment, so they carry through at full weight.
import type { MarketBaseline } from './baseline.js';
import { FAMILIES, type Factor, type FamilyResult, type ImpactTier, type IsoDate, type RiskAssessment, type Subject } from './model.js';
import type { RiskModelConfig } from './risk-model.js';
import { bandOf, likelihoodOf, MONITORING_LEVEL, sortFactors } from './scoring.js';

const COMMUNITY_SERVICE_WEIGHT = 10;
const MAX_FACTORS = 12;
const MAX_FLAGS = 12;

export interface RollUpInput {
  subject: Subject;
  name: string;
  members: readonly RiskAssessment[];
  baseline: MarketBaseline;
  asOf: IsoDate;
  model: RiskModelConfig;
}

const memberWeight = (a: RiskAssessment) => Math.max(a.beds, COMMUNITY_SERVICE_WEIGHT);
const round1 = (n: number) => Math.round(n * 10) / 10;

export function rollUp(input: RollUpInput): RiskAssessment {
  const { model, baseline } = input;
  // A subject whose every service passed to a successor is itself passed on: rolled up from those services
  // so it is still assessed (and any open episode of it stands down), but never escalated.
  const live = input.members.filter((m) => m.passedOn === undefined);
  const members = live.length > 0 ? live : input.members;
  const passedOn = live.length > 0 ? undefined : members.flatMap((m) => m.passedOn ?? []);
  const totalWeight = members.reduce((sum, m) => sum + memberWeight(m), 0);
  const share = (m: RiskAssessment) => (totalWeight > 0 ? memberWeight(m) / totalWeight : 0);

  const families: FamilyResult[] = FAMILIES.map((family) => {
    const scored = members.flatMap((m) => {
      const result = m.families.find((f) => f.family === family);
      return result && result.score !== null ? [{ m, result }] : [];
    });
    const weight = scored.reduce((sum, { m }) => sum + memberWeight(m), 0);
    const lastDataOn = scored.reduce<IsoDate | null>((last, { result }) => (result.lastDataOn && (!last || result.lastDataOn > last) ? result.lastDataOn : last), null);
    return {
      family,
      score: weight > 0 ? round1(scored.reduce((sum, { m, result }) => sum + memberWeight(m) * result.score!, 0) / weight) : null,
      weight: model.weights[family],
      lastDataOn,
      stale: scored.some(({ result }) => result.stale),
    };
  });

  // A trigger at members holding a large enough share of capacity (or at a one-member subject) pins Red.
  const triggerShares = new Map<string, number>();
  for (const m of members) for (const t of m.hardTriggers) triggerShares.set(t, (triggerShares.get(t) ?? 0) + share(m));
  const hardTriggers = [...triggerShares]
    .filter(([, s]) => s >= model.rollUp.hardTriggerBedShare - 1e-9)
    .map(([t]) => t)
    .sort();

  // A fitted probability is a member's own: the organisation's is their bed-weighted mean, not a re-fit of merged scores.
  const likelihood = model.calibration ? round1(members.reduce((sum, m) => sum + share(m) * m.likelihood, 0)) : likelihoodOf(families, model);
  const bedsByCouncil: Record<string, number> = {};
  for (const m of members) for (const [gss, beds] of Object.entries(m.bedsByCouncil)) bedsByCouncil[gss] = (bedsByCouncil[gss] ?? 0) + beds;
  const impact = rolledUpImpact(members, bedsByCouncil, baseline, model);
  const band = bandOf(likelihood, impact, hardTriggers.length > 0, model);
  const councils = [...new Set(members.flatMap((m) => m.councils))].sort();
  return {
    subject: input.subject,
    name: input.name,
    asOf: input.asOf,
    likelihood,
    impact,
    band,
    monitoringLevel: MONITORING_LEVEL[band],
    hardTriggers,
    factors: mergeFactors(members, share),
    families,
    confidence: round2(members.reduce((sum, m) => sum + share(m) * m.confidence, 0)),
    modelVersion: model.version,
    baselineVersion: baseline.version,
    flags: members.flatMap((m) => m.flags.map((f) => `${m.name}: ${f}`)).slice(0, MAX_FLAGS),
    councils,
    regions: [...new Set(members.flatMap((m) => m.regions))].sort(),
    beds: members.reduce((sum, m) => sum + m.beds, 0),
    bedsByCouncil,
    sharedAcrossCouncils: councils.length > 1,
    ...(passedOn && passedOn.length > 0 ? { passedOn } : {}),
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Each member's factors at its share of the subject; a factor every member shares (a company's overdue
 * accounts) adds back up to its full points, while one home's low occupancy counts in proportion.
 */
function mergeFactors(members: readonly RiskAssessment[], share: (m: RiskAssessment) => number): Factor[] {
  const merged = new Map<string, { factor: Factor; members: string[] }>();
  for (const m of members) {
    for (const f of m.factors) {
      const key = `${f.family}|${f.indicator}|${JSON.stringify(f.evidence)}`;
      const entry = merged.get(key) ?? { factor: { ...f, points: 0 }, members: [] };
      entry.factor.points += f.points * share(m);
      entry.members.push(m.name);
      merged.set(key, entry);
    }
  }
  const named = [...merged.values()].map(({ factor, members: names }) => ({
    ...factor,
    points: round1(factor.points),
    indicator: names.length === members.length ? factor.indicator : `${factor.indicator} at ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`,
  }));
  return sortFactors(named.filter((f) => f.points > 0)).slice(0, MAX_FACTORS);
}

/** High if any member is, or if together they hold a large share of any one council's care home beds. */
function rolledUpImpact(members: readonly RiskAssessment[], bedsByCouncil: Record<string, number>, baseline: MarketBaseline, model: RiskModelConfig): ImpactTier {
  if (members.some((m) => m.impact === 'High')) return 'High';
  const largestShare = Math.max(0, ...Object.entries(bedsByCouncil).map(([gss, beds]) => beds / (baseline.councilBeds[gss] || Infinity)));
  if (largestShare >= model.impact.highCouncilBedShare) return 'High';
  if (members.some((m) => m.impact === 'Medium') || largestShare >= model.impact.mediumCouncilBedShare) return 'Medium';
  return 'Low';
}
