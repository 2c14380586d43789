// The small interfaces the handlers need from storage. DynamoDB implements them in shared/adapters/dynamodb.
import type {
  Group,
  IsoDate,
  Location,
  Provider,
  QuarantineRecord,
  RegistrationLink,
  RiskAssessment,
  Signal,
  Subject,
  SubjectType,
} from '../domain/model.js';
import type { MarketBaseline } from '../domain/baseline.js';
import type { Placement } from '../sources/placements.js';

export interface WriteCount {
  /** Items newly stored. */
  stored: number;
  /** Items already present under the same key: a re-sent input stores nothing new. */
  alreadyPresent: number;
}

export interface SignalStore {
  /** Stores each signal once, keyed by source + natural id; a second put of the same key changes nothing. */
  putSignals(signals: readonly Signal[]): Promise<WriteCount>;
  signalsFor(subject: Subject): Promise<Signal[]>;
}

/** What reading the market's signals needs: a store, or signals held from an earlier read. */
export type SignalReader = Pick<SignalStore, 'signalsFor'>;

export interface ReferenceStore {
  /**
   * Upserts the latest known profile of each location, provider and group. Links between registrations are
   * stored once each (per predecessor, successor and evidence): the first file to state one dates it.
   */
  putReference(entities: { locations: readonly Location[]; providers: readonly Provider[]; groups: readonly Group[]; links?: readonly RegistrationLink[] }): Promise<void>;
  /** Every stored link between registrations. */
  listLinks(): Promise<RegistrationLink[]>;
  /** The links naming this location, as predecessor or as successor. */
  linksOf(locationId: string): Promise<RegistrationLink[]>;
  listLocations(): Promise<Location[]>;
  listProviders(): Promise<Provider[]>;
  listGroups(): Promise<Group[]>;
  getLocation(locationId: string): Promise<Location | undefined>;
  getProvider(providerId: string): Promise<Provider | undefined>;
  getGroup(groupId: string): Promise<Group | undefined>;
  locationsOfProvider(providerId: string): Promise<Location[]>;
  providersOfGroup(groupId: string): Promise<Provider[]>;
}

export interface AssessmentStore {
  /** Stores assessments keyed by subject, as-of date and model version: rescoring the same day is idempotent. */
  putAssessments(assessments: readonly RiskAssessment[]): Promise<WriteCount>;
  assessmentsAsOf(asOf: IsoDate, type: SubjectType): Promise<RiskAssessment[]>;
  /** A subject's most recent assessment on or before the date under one model version. */
  latestAssessment(subject: Subject, asOf: IsoDate, modelVersion: string): Promise<RiskAssessment | undefined>;
}

export interface QuarantineStore {
  /** Keeps each bad record with its reason, keyed by source, origin and row, so a retry adds no copies. */
  quarantine(records: readonly QuarantineRecord[]): Promise<WriteCount>;
  listQuarantine(): Promise<QuarantineRecord[]>;
}

export interface PlacementStore {
  /** Upserts who places residents where: one item per council and location. */
  putPlacements(placements: readonly Placement[]): Promise<void>;
  listPlacements(): Promise<Placement[]>;
}

export interface BaselineStore {
  /** Baselines are immutable once written: a version names exactly one set of figures. */
  putBaseline(baseline: MarketBaseline): Promise<void>;
  getBaseline(version: string): Promise<MarketBaseline | undefined>;
  /** The newest baseline computed on or before the date. */
  latestBaseline(asOf: IsoDate): Promise<MarketBaseline | undefined>;
}
