// The full scoring of the market as of a date (the daily schedule), computing and storing a new baseline.
// England's signals take over 2 GB in memory at once, so the market is gone through twice: a location at a
// time for its contribution to the baseline, its signals then held deflated (HeldSignals); then a part of the
// market at a time, each part's assessments written as it is scored and only provider assessments kept, for
// the groups at the end. The second pass reads the table only for providers and predecessors.
import { admitForScoring, admitMarket, knownSubjects } from '../../shared/domain/admission.js';
import { baselineContribution, combineBaseline, type MarketBaseline } from '../../shared/domain/baseline.js';
import type { Band, IsoDate, QuarantineRecord, RiskAssessment, SubjectType } from '../../shared/domain/model.js';
import type { RiskModelConfig } from '../../shared/domain/risk-model.js';
import { rollUpGroups, scoreLocationsAndProviders } from '../../shared/domain/score-market.js';
import { successionAt } from '../../shared/domain/succession.js';
import { HeldSignals } from '../../shared/application/held-signals.js';
import { LOCATIONS_PER_PART, loadRegister, marketInParts, type Register, summariesBySubject } from '../../shared/application/market.js';
import type { SignalReader } from '../../shared/ports/stores.js';
import type { ScorePorts } from './ports.js';

export type BandCounts = Record<SubjectType, Record<Band, number>>;

export interface ScoreReport {
  asOf: IsoDate;
  modelVersion: string;
  baselineVersion: string;
  /** Assessments computed, which incremental scoring keeps to what new signals touch. */
  computed: number;
  rejected: number;
  byBand: BandCounts;
}

export async function scoreAll(ports: ScorePorts, asOf: IsoDate, model: RiskModelConfig, locationsPerPart = LOCATIONS_PER_PART): Promise<ScoreReport> {
  const register = await loadRegister(ports.reference);
  const held = new HeldSignals(ports.signals);
  const baseline = await marketBaseline(held, register, asOf, model);
  await ports.baselines.putBaseline(baseline);
  const byBand: BandCounts = { location: bands(), provider: bands(), group: bands() };
  let computed = 0;
  let rejectedCount = 0;
  // A part's writes go on while the next part is scored: one part's in flight at a time.
  let writing: Promise<unknown> = Promise.resolve();
  for await (const { assessments, rejected } of assessInParts(held, register, asOf, model, baseline, locationsPerPart)) {
    await writing;
    writing = Promise.all([ports.assessments.putAssessments(assessments), ports.quarantine.quarantine(rejected)]);
    // Awaited on the next turn or after the last; if scoring fails first, that failure is the one reported.
    writing.catch(() => undefined);
    for (const a of assessments) byBand[a.subject.type][a.band] += 1;
    computed += assessments.length;
    rejectedCount += rejected.length;
  }
  await writing;
  return { asOf, modelVersion: model.version, baselineVersion: baseline.version, computed, rejected: rejectedCount, byBand };
}

const bands = (): Record<Band, number> => ({ Green: 0, Amber: 0, Red: 0 });

/**
 * The market's figures over live registrations (a home that changed owner counts once, under its successor),
 * from each one's admitted signals: read through `held`, from its store, and left in it as read.
 */
async function marketBaseline(held: HeldSignals, register: Register, asOf: IsoDate, model: RiskModelConfig): Promise<MarketBaseline> {
  const succession = successionAt(register.links, asOf);
  const live = register.locations.filter((l) => succession.successorOf(l.locationId) === undefined);
  const known = knownSubjects(register);
  const contributions = await summariesBySubject(held, 'location', live.map((l) => l.locationId), (own, locationId) => {
    held.hold(locationId, own);
    return baselineContribution(admitForScoring(own, known).admitted, asOf);
  });
  return combineBaseline({ asOf, locations: live, contributions, scarceSpecialisms: model.impact.scarceSpecialisms });
}

/**
 * Every assessment of the market against a baseline, a part at a time (see `marketInParts`): each part's
 * locations and providers as scored, with the signals it refused; then the groups, from the providers kept.
 */
export async function* assessInParts(
  signals: SignalReader,
  register: Register,
  asOf: IsoDate,
  model: RiskModelConfig,
  baseline: MarketBaseline,
  locationsPerPart = LOCATIONS_PER_PART,
): AsyncGenerator<{ assessments: RiskAssessment[]; rejected: QuarantineRecord[] }> {
  const known = knownSubjects(register);
  const inGroup = new Set(register.providers.flatMap((p) => (p.groupId ? [p.providerId] : [])));
  const groupMembers = new Map<string, RiskAssessment>();
  for await (const part of marketInParts(signals, register, asOf, locationsPerPart)) {
    const { market, rejected } = admitMarket(part, known);
    // A predecessor's refused signals are quarantined with its own part.
    const inherited = [...part.signalsByPredecessor].map(([id, own]) => [id, admitForScoring(own, known).admitted] as const);
    const { locations, providers } = scoreLocationsAndProviders({ ...market, signalsByLocation: new Map([...market.signalsByLocation, ...inherited]) }, asOf, model, baseline);
    for (const a of providers) if (inGroup.has(a.subject.id)) groupMembers.set(a.subject.id, a);
    yield { assessments: [...locations, ...providers], rejected };
  }
  // In the register's provider order, as a whole-market roll-up takes them.
  const members = register.providers.flatMap((p) => groupMembers.get(p.providerId) ?? []);
  yield { assessments: rollUpGroups(register, members, asOf, model, baseline), rejected: [] };
}
