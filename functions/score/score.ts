// The scoring use cases besides the full scoring (scoreAll, in score-all.ts):
// - scoreAffected: only what new signals touch (from the table's stream): each affected location, its
//   provider and its group, against the latest stored baseline, with unaffected siblings' stored assessments;
// - replayAsOf: recompute a past date from the signals known then and compare with what was stored.
import { isDeepStrictEqual } from 'node:util';
import pMap from 'p-map';
import { admitForScoring } from '../../shared/domain/admission.js';
import type { IsoDate, Location, RegistrationLink, RiskAssessment, Signal, SubjectType } from '../../shared/domain/model.js';
import type { RiskModelConfig } from '../../shared/domain/risk-model.js';
import { rollUp } from '../../shared/domain/roll-up.js';
import { successionAt, successionInput } from '../../shared/domain/succession.js';
import { scoreLocation } from '../../shared/domain/scoring.js';
import { loadRegister } from '../../shared/application/market.js';
import type { ReferenceStore } from '../../shared/ports/stores.js';
import type { ScorePorts } from './ports.js';
import { assessInParts } from './score-all.js';

/** Reads in flight while gathering signals. */
const READ_CONCURRENCY = 8;

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
  // Every read that needs no earlier answer is sent at once: on a stream event the wait is round trips, not work.
  const reads = new AffectedReads(ports, asOf, model.version);
  const locationIds = [...new Set(newSignals.filter((s) => s.subject.type === 'location').map((s) => s.subject.id))];
  const providerIds = [...new Set(newSignals.filter((s) => s.subject.type === 'provider').map((s) => s.subject.id))];
  const latestBaseline = ports.baselines.latestBaseline(asOf);
  const [locations, providers] = await Promise.all([pMap(locationIds, (id) => ports.reference.getLocation(id)), pMap(providerIds, (id) => reads.provider(id))]);
  const known = {
    locationIds: new Set(locations.flatMap((l) => (l ? [l.locationId] : []))),
    providerIds: new Set(providers.flatMap((p) => (p ? [p.providerId] : []))),
  };
  const { rejected } = admitForScoring(newSignals, known);
  const [baseline] = await Promise.all([latestBaseline, ports.quarantine.quarantine(rejected)]);
  if (!baseline) throw new Error(`no market baseline on or before ${asOf}: run the full scoring first`);

  const affectedLocations = new Map<string, Location>();
  for (const l of locations) if (l) affectedLocations.set(l.locationId, l);
  for (const homes of await Promise.all([...known.providerIds].map((id) => reads.homesOf(id)))) for (const l of homes) affectedLocations.set(l.locationId, l);
  const affectedProviders = [...new Set([...affectedLocations.values()].map((l) => l.providerId))];
  // The roll-ups' reads start while the locations are scored; a failure surfaces where they are awaited.
  const scoredNow = new Set(affectedLocations.keys());
  const rolledUpNow = new Set(affectedProviders);
  for (const providerId of affectedProviders) void reads.rollUpInputs(providerId, scoredNow, rolledUpNow).catch(() => undefined);

  const score = async (location: Location) => {
    const [succession, providerSignals] = await Promise.all([successionOf(ports, location.locationId, asOf), reads.providerSignals(location.providerId)]);
    return scoreLocation({ location, ...succession, providerSignals, baseline, asOf, model });
  };
  const fresh = new Map((await pMap([...affectedLocations.values()], score, { concurrency: READ_CONCURRENCY })).map((a) => [a.subject.id, a]));
  let computed = fresh.size;

  /** A member's assessment: computed just now, else its newest stored one, else computed now. */
  const memberAssessment = async (location: Location): Promise<RiskAssessment> => {
    const existing = fresh.get(location.locationId) ?? (await reads.latestAssessment('location', location.locationId));
    if (existing) return existing;
    computed += 1;
    const made = await score(location);
    fresh.set(location.locationId, made);
    return made;
  };

  const providerAssessments = (
    await pMap(affectedProviders, async (providerId) => {
      const [provider, homes] = await Promise.all([reads.provider(providerId), reads.homesOf(providerId)]);
      if (!provider) return [];
      const members = await pMap(homes, memberAssessment, { concurrency: MEMBER_READ_CONCURRENCY });
      computed += 1;
      return [{ provider, assessment: rollUp({ subject: { type: 'provider', id: providerId }, name: provider.name, members, baseline, asOf, model }) }];
    })
  ).flat();
  const freshProviders = new Map(providerAssessments.map(({ assessment }) => [assessment.subject.id, assessment]));
  const groupIds = [...new Set(providerAssessments.flatMap(({ provider }) => (provider.groupId ? [provider.groupId] : [])))];
  const groupAssessments = (
    await pMap(groupIds, async (groupId) => {
      const [group, groupProviders] = await Promise.all([reads.group(groupId), reads.providersOfGroup(groupId)]);
      if (!group) return [];
      const members = (
        await pMap(groupProviders, async (p) => freshProviders.get(p.providerId) ?? reads.latestAssessment('provider', p.providerId), { concurrency: MEMBER_READ_CONCURRENCY })
      ).filter((a): a is RiskAssessment => a !== undefined);
      computed += 1;
      return [rollUp({ subject: { type: 'group', id: groupId }, name: group.name, members, baseline, asOf, model })];
    })
  ).flat();
  const assessments = [...fresh.values(), ...providerAssessments.map(({ assessment }) => assessment), ...groupAssessments];
  await ports.assessments.putAssessments(assessments);
  return { asOf, computed, rejected: rejected.length, assessments };
}

/** Reads of a provider's siblings' stored assessments in flight: a large provider's are many small queries. */
const MEMBER_READ_CONCURRENCY = 32;

/** The reads one incremental scoring shares: each profile, member list, signal list and stored assessment read once, however many ask. */
class AffectedReads {
  private readonly providers = new Map<string, ReturnType<ReferenceStore['getProvider']>>();
  private readonly groups = new Map<string, ReturnType<ReferenceStore['getGroup']>>();
  private readonly homes = new Map<string, Promise<Location[]>>();
  private readonly groupProviders = new Map<string, ReturnType<ReferenceStore['providersOfGroup']>>();
  private readonly signals = new Map<string, Promise<Signal[]>>();
  private readonly stored = new Map<string, Promise<RiskAssessment | undefined>>();

  constructor(
    private readonly ports: ScorePorts,
    private readonly asOf: IsoDate,
    private readonly modelVersion: string,
  ) {}

  provider(id: string) {
    return once(this.providers, id, () => this.ports.reference.getProvider(id));
  }

  homesOf(providerId: string): Promise<Location[]> {
    return once(this.homes, providerId, () => this.ports.reference.locationsOfProvider(providerId));
  }

  group(id: string) {
    return once(this.groups, id, () => this.ports.reference.getGroup(id));
  }

  providersOfGroup(groupId: string) {
    return once(this.groupProviders, groupId, () => this.ports.reference.providersOfGroup(groupId));
  }

  /**
   * Every read a provider's roll-up and its group's need, started together: the members' stored assessments
   * (all but those being scored or rolled up now) need only the member lists, not the fresh scores.
   */
  async rollUpInputs(providerId: string, scoredNow: ReadonlySet<string>, rolledUpNow: ReadonlySet<string>): Promise<void> {
    const [provider, homes] = await Promise.all([this.provider(providerId), this.homesOf(providerId)]);
    const siblings = pMap(homes.filter((l) => !scoredNow.has(l.locationId)), (l) => this.latestAssessment('location', l.locationId), { concurrency: MEMBER_READ_CONCURRENCY });
    if (provider?.groupId) {
      const [, members] = await Promise.all([this.group(provider.groupId), this.providersOfGroup(provider.groupId)]);
      await pMap(members.filter((p) => !rolledUpNow.has(p.providerId)), (p) => this.latestAssessment('provider', p.providerId), { concurrency: MEMBER_READ_CONCURRENCY });
    }
    await siblings;
  }

  /** A company signal touches every location of its provider: its signals are read once, not per home. */
  providerSignals(providerId: string): Promise<Signal[]> {
    return once(this.signals, providerId, () => this.ports.signals.signalsFor({ type: 'provider', id: providerId }));
  }

  latestAssessment(type: SubjectType, id: string): Promise<RiskAssessment | undefined> {
    return once(this.stored, `${type}#${id}`, () => this.ports.assessments.latestAssessment({ type, id }, this.asOf, this.modelVersion));
  }
}

function once<T>(cache: Map<string, T>, key: string, read: () => T): T {
  if (!cache.has(key)) cache.set(key, read());
  return cache.get(key)!;
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
  // Most locations have no predecessor: their own signals are read alongside their links, not after them.
  const signals = new Map([[locationId, ports.signals.signalsFor({ type: 'location', id: locationId })]]);
  let frontier = [locationId];
  while (frontier.length > 0 && chain.size <= MAX_PREDECESSORS) {
    const found = (await pMap(frontier, (id) => ports.reference.linksOf(id))).flat();
    for (const link of found) links.set(`${link.predecessorId}#${link.successorId}#${link.evidence}`, link);
    frontier = found.filter((link) => frontier.includes(link.successorId) && !chain.has(link.predecessorId)).map((link) => link.predecessorId);
    for (const id of frontier) {
      chain.add(id);
      signals.set(id, ports.signals.signalsFor({ type: 'location', id }));
    }
  }
  const read = new Map(await Promise.all([...signals].map(async ([id, pending]) => [id, await pending] as const)));
  return successionInput(locationId, successionAt([...links.values()], asOf), (id) => read.get(id) ?? []);
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
 * difference breaks reproducibility. The market is read a part at a time, once per baseline version.
 */
export async function replayAsOf(ports: ScorePorts, asOf: IsoDate, model: RiskModelConfig): Promise<ReplayReport> {
  const register = await loadRegister(ports.reference);
  const stored = (await Promise.all((['location', 'provider', 'group'] as const).map((type) => ports.assessments.assessmentsAsOf(asOf, type))))
    .flat()
    .filter((a) => a.modelVersion === model.version);
  const keyOf = (a: RiskAssessment) => `${a.subject.type}#${a.subject.id}`;
  const differences: ReplayReport['differences'] = [];
  for (const version of new Set(stored.map((a) => a.baselineVersion))) {
    const baseline = await ports.baselines.getBaseline(version);
    if (!baseline) throw new Error(`baseline ${version} recorded by assessments as of ${asOf} is not stored`);
    const originals = new Map(stored.filter((a) => a.baselineVersion === version).map((a) => [keyOf(a), a]));
    const replayed = new Map<string, RiskAssessment>();
    for await (const { assessments } of assessInParts(ports.signals, register, asOf, model, baseline)) {
      for (const a of assessments) if (originals.has(keyOf(a))) replayed.set(keyOf(a), a);
    }
    for (const [key, original] of originals) {
      const again = replayed.get(key);
      if (!again || !isDeepStrictEqual(original, again)) differences.push({ subject: key, stored: original, replayed: again });
    }
  }
  return { asOf, compared: stored.length, differences };
}
