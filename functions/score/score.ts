// The scoring use case: gather every location's and provider's signals, compute the market baseline as
// known at the date, score locations and roll them up to providers and groups, store the assessments.
import pMap from 'p-map';
import { computeBaseline } from '../../shared/domain/baseline.js';
import type { Band, IsoDate, RiskAssessment, Signal, SubjectType } from '../../shared/domain/model.js';
import type { RiskModelConfig } from '../../shared/domain/risk-model.js';
import { type MarketAssessments, type MarketSnapshot, scoreMarket } from '../../shared/domain/score-market.js';
import type { AssessmentStore, BaselineStore, ReferenceStore, SignalStore } from '../../shared/ports/stores.js';

export interface ScorePorts {
  reference: ReferenceStore;
  signals: SignalStore;
  assessments: AssessmentStore;
  baselines: BaselineStore;
}

/** Reads in flight while gathering signals. */
const READ_CONCURRENCY = 8;

export type BandCounts = Record<SubjectType, Record<Band, number>>;

export interface ScoreReport {
  asOf: IsoDate;
  modelVersion: string;
  baselineVersion: string;
  computed: number;
  byBand: BandCounts;
}

export async function loadMarket(ports: Pick<ScorePorts, 'reference' | 'signals'>): Promise<MarketSnapshot> {
  const [locations, providers, groups] = await Promise.all([
    ports.reference.listLocations(),
    ports.reference.listProviders(),
    ports.reference.listGroups(),
  ]);
  const signalsOf = async (type: 'location' | 'provider', ids: string[]) =>
    new Map<string, Signal[]>(await pMap(ids, async (id) => [id, await ports.signals.signalsFor({ type, id })] as const, { concurrency: READ_CONCURRENCY }));
  return {
    locations,
    providers,
    groups,
    signalsByLocation: await signalsOf('location', locations.map((l) => l.locationId)),
    signalsByProvider: await signalsOf('provider', providers.map((p) => p.providerId)),
  };
}

export function countByBand(assessments: MarketAssessments): BandCounts {
  const counts = (list: RiskAssessment[]) => {
    const byBand: Record<Band, number> = { Green: 0, Amber: 0, Red: 0 };
    for (const a of list) byBand[a.band] += 1;
    return byBand;
  };
  return { location: counts(assessments.locations), provider: counts(assessments.providers), group: counts(assessments.groups) };
}

export async function scoreAll(ports: ScorePorts, asOf: IsoDate, model: RiskModelConfig): Promise<ScoreReport> {
  const market = await loadMarket(ports);
  const baseline = computeBaseline({
    asOf,
    locations: market.locations,
    signalsByLocation: market.signalsByLocation,
    scarceSpecialisms: model.impact.scarceSpecialisms,
  });
  await ports.baselines.putBaseline(baseline);
  const assessments = scoreMarket(market, asOf, model, baseline);
  const all = [...assessments.locations, ...assessments.providers, ...assessments.groups];
  await ports.assessments.putAssessments(all);
  return { asOf, modelVersion: model.version, baselineVersion: baseline.version, computed: all.length, byBand: countByBand(assessments) };
}
