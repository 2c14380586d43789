// The scoring use cases:
// - scoreAll: the whole market as of a date (the daily schedule), computing and storing a new baseline;
// - scoreAffected: only what new signals touch (from the table's stream): each affected location, its
//   provider and its group, against the latest stored baseline, with unaffected siblings' stored assessments;
// - replayAsOf: recompute a past date from the signals known then and compare with what was stored.
import { isDeepStrictEqual } from 'node:util';
import pMap from 'p-map';
import { admitForScoring } from '../../shared/domain/admission.js';
import { computeBaseline, type MarketBaseline } from '../../shared/domain/baseline.js';
import type { Band, IsoDate, Location, QuarantineRecord, RegistrationLink, RiskAssessment, Signal, SubjectType } from '../../shared/domain/model.js';
import type { RiskModelConfig } from '../../shared/domain/risk-model.js';
import { rollUp } from '../../shared/domain/roll-up.js';
import { type MarketAssessments, type MarketSnapshot, scoreMarket } from '../../shared/domain/score-market.js';
import { successionAt, successionInput } from '../../shared/domain/succession.js';
import { scoreLocation } from '../../shared/domain/scoring.js';
import { loadMarket } from '../../shared/application/market.js';
import type { AssessmentStore, BaselineStore, QuarantineStore, ReferenceStore, SignalStore } from '../../shared/ports/stores.js';

export interface ScorePorts {
  reference: ReferenceStore;
  signals: SignalStore;
  assessments: AssessmentStore;
  baselines: BaselineStore;
  quarantine: QuarantineStore;
}

/** Reads in flight while gathering signals. */
const READ_CONCURRENCY = 8;

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


export function countByBand(assessments: MarketAssessments): BandCounts {
  const counts = (list: RiskAssessment[]) => {
    const byBand: Record<Band, number> = { Green: 0, Amber: 0, Red: 0 };
    for (const a of list) byBand[a.band] += 1;
    return byBand;
  };
  return { location: counts(assessments.locations), provider: counts(assessments.providers), group: counts(assessments.groups) };
}

/** Keeps only signals the scorer may use; the rest go to quarantine with their reasons. */
function admitMarket(market: MarketSnapshot): { market: MarketSnapshot; rejected: QuarantineRecord[] } {
  const known = { locationIds: new Set(market.locations.map((l) => l.locationId)), providerIds: new Set(market.providers.map((p) => p.providerId)) };
  const rejected: QuarantineRecord[] = [];
  const admit = (bySubject: ReadonlyMap<string, readonly Signal[]>) =>
    new Map(
      [...bySubject].map(([id, signals]) => {
        const admission = admitForScoring(signals, known);
        rejected.push(...admission.rejected);
        return [id, admission.admitted] as const;
      }),
    );
  return { market: { ...market, signalsByLocation: admit(market.signalsByLocation), signalsByProvider: admit(market.signalsByProvider) }, rejected };
}

/** The market's figures over live registrations: a home that changed owner counts once, under its successor. */
function marketBaseline(market: MarketSnapshot, asOf: IsoDate, model: RiskModelConfig): MarketBaseline {
  const succession = successionAt(market.links ?? [], asOf);
  const locations = market.locations.filter((l) => succession.successorOf(l.locationId) === undefined);
  return computeBaseline({ asOf, locations, signalsByLocation: market.signalsByLocation, scarceSpecialisms: model.impact.scarceSpecialisms });
}

export async function scoreAll(ports: ScorePorts, asOf: IsoDate, model: RiskModelConfig): Promise<ScoreReport> {
  const { market, rejected } = admitMarket(await loadMarket(ports));
  const baseline = marketBaseline(market, asOf, model);
  await ports.baselines.putBaseline(baseline);
  const assessments = scoreMarket(market, asOf, model, baseline);
  const all = [...assessments.locations, ...assessments.providers, ...assessments.groups];
  await ports.assessments.putAssessments(all);
  await ports.quarantine.quarantine(rejected);
  return { asOf, modelVersion: model.version, baselineVersion: baseline.version, computed: all.length, rejected: rejected.length, byBand: countByBand(assessments) };
}

export interface AffectedReport {
  asOf: IsoDate;
  computed: number;
  rejected: number;
  assessments: RiskAssessment[];
}

/**
 * Rescores what new signals touch: a location signal its location; a provider signal every location of
 * the provider; then each affected provider and group from its members' newest assessments.
 */
export async function scoreAffected(ports: ScorePorts, newSignals: readonly Signal[], asOf: IsoDate, model: RiskModelConfig): Promise<AffectedReport> {
  const locationIds = [...new Set(newSignals.filter((s) => s.subject.type === 'location').map((s) => s.subject.id))];
  const providerIds = [...new Set(newSignals.filter((s) => s.subject.type === 'provider').map((s) => s.subject.id))];
  const [locations, providers] = await Promise.all([
    pMap(locationIds, (id) => ports.reference.getLocation(id)),
    pMap(providerIds, (id) => ports.reference.getProvider(id)),
  ]);
  const known = {
    locationIds: new Set(locations.flatMap((l) => (l ? [l.locationId] : []))),
    providerIds: new Set(providers.flatMap((p) => (p ? [p.providerId] : []))),
  };
  const { rejected } = admitForScoring(newSignals, known);
  await ports.quarantine.quarantine(rejected);

  const baseline = await ports.baselines.latestBaseline(asOf);
  if (!baseline) throw new Error(`no market baseline on or before ${asOf}: run the full scoring first`);

  const affectedLocations = new Map<string, Location>();
  for (const l of locations) if (l) affectedLocations.set(l.locationId, l);
  for (const providerId of known.providerIds) for (const l of await ports.reference.locationsOfProvider(providerId)) affectedLocations.set(l.locationId, l);

  // A company signal touches every location of its provider: read the provider's signals once, not per home.
  const providerSignals = new Map<string, Promise<Signal[]>>();
  const signalsOfProvider = (id: string) => {
    if (!providerSignals.has(id)) providerSignals.set(id, ports.signals.signalsFor({ type: 'provider', id }));
    return providerSignals.get(id)!;
  };
  const score = async (location: Location) =>
    scoreLocation({
      location,
      ...(await successionOf(ports, location.locationId, asOf)),
      providerSignals: await signalsOfProvider(location.providerId),
      baseline,
      asOf,
      model,
    });
  const fresh = new Map((await pMap([...affectedLocations.values()], score, { concurrency: READ_CONCURRENCY })).map((a) => [a.subject.id, a]));
  let computed = fresh.size;

  /** A member's assessment: computed just now, else its newest stored one, else computed now. */
  const memberAssessment = async (location: Location): Promise<RiskAssessment> => {
    const existing = fresh.get(location.locationId) ?? (await ports.assessments.latestAssessment({ type: 'location', id: location.locationId }, asOf, model.version));
    if (existing) return existing;
    computed += 1;
    const made = await score(location);
    fresh.set(location.locationId, made);
    return made;
  };

  const providerAssessments: RiskAssessment[] = [];
  const groupIds = new Set<string>();
  for (const providerId of new Set([...affectedLocations.values()].map((l) => l.providerId))) {
    const provider = await ports.reference.getProvider(providerId);
    if (!provider) continue;
    const members = await pMap(await ports.reference.locationsOfProvider(providerId), memberAssessment, { concurrency: READ_CONCURRENCY });
    providerAssessments.push(rollUp({ subject: { type: 'provider', id: providerId }, name: provider.name, members, baseline, asOf, model }));
    computed += 1;
    if (provider.groupId) groupIds.add(provider.groupId);
  }
  const freshProviders = new Map(providerAssessments.map((a) => [a.subject.id, a]));
  const groupAssessments: RiskAssessment[] = [];
  for (const groupId of groupIds) {
    const group = await ports.reference.getGroup(groupId);
    if (!group) continue;
    const members = (
      await pMap(await ports.reference.providersOfGroup(groupId), async (p) => freshProviders.get(p.providerId) ?? ports.assessments.latestAssessment({ type: 'provider', id: p.providerId }, asOf, model.version))
    ).filter((a): a is RiskAssessment => a !== undefined);
    groupAssessments.push(rollUp({ subject: { type: 'group', id: groupId }, name: group.name, members, baseline, asOf, model }));
    computed += 1;
  }
  const assessments = [...fresh.values(), ...providerAssessments, ...groupAssessments];
  await ports.assessments.putAssessments(assessments);
  return { asOf, computed, rejected: rejected.length, assessments };
}

/** Registrations a successor's history is followed back through; as in the domain, no service changes hands more often. */
const MAX_PREDECESSORS = 8;

/**
 * A location's signals with those it inherits, and its links: its own links, then each predecessor's in
 * turn, reading every registration in the chain once.
 */
async function successionOf(ports: ScorePorts, locationId: string, asOf: IsoDate) {
  const links = new Map<string, RegistrationLink>();
  const chain = new Set([locationId]);
  let frontier = [locationId];
  while (frontier.length > 0 && chain.size <= MAX_PREDECESSORS) {
    const found = (await pMap(frontier, (id) => ports.reference.linksOf(id))).flat();
    for (const link of found) links.set(`${link.predecessorId}#${link.successorId}#${link.evidence}`, link);
    frontier = found.filter((link) => frontier.includes(link.successorId) && !chain.has(link.predecessorId)).map((link) => link.predecessorId);
    for (const id of frontier) chain.add(id);
  }
  const signals = new Map(await pMap([...chain], async (id) => [id, await ports.signals.signalsFor({ type: 'location', id })] as const, { concurrency: READ_CONCURRENCY }));
  return successionInput(locationId, successionAt([...links.values()], asOf), (id) => signals.get(id) ?? []);
}

export interface ReplayReport {
  asOf: IsoDate;
  compared: number;
  /** Subjects whose recomputed assessment differs from the one stored for that date. */
  differences: { subject: string; stored: RiskAssessment; replayed: RiskAssessment | undefined }[];
}

/**
 * Recomputes every assessment stored for a past date from the signals known then (received by that date),
 * under the model version and against the baseline version each one records, and compares: any
 * difference breaks reproducibility.
 */
export async function replayAsOf(ports: ScorePorts, asOf: IsoDate, model: RiskModelConfig): Promise<ReplayReport> {
  const { market } = admitMarket(await loadMarket(ports));
  const stored = (await Promise.all((['location', 'provider', 'group'] as const).map((type) => ports.assessments.assessmentsAsOf(asOf, type))))
    .flat()
    .filter((a) => a.modelVersion === model.version);
  const differences: ReplayReport['differences'] = [];
  for (const version of new Set(stored.map((a) => a.baselineVersion))) {
    const baseline = await ports.baselines.getBaseline(version);
    if (!baseline) throw new Error(`baseline ${version} recorded by assessments as of ${asOf} is not stored`);
    const replayed = scoreMarket(market, asOf, model, baseline);
    const byKey = new Map([...replayed.locations, ...replayed.providers, ...replayed.groups].map((a) => [`${a.subject.type}#${a.subject.id}`, a]));
    for (const original of stored.filter((a) => a.baselineVersion === version)) {
      const key = `${original.subject.type}#${original.subject.id}`;
      const again = byKey.get(key);
      if (!again || !isDeepStrictEqual(original, again)) differences.push({ subject: key, stored: original, replayed: again });
    }
  }
  return { asOf, compared: stored.length, differences };
}
