// The generated history as the daily score job would have known it on any date: signals known by their
// receipt, each outcome's own signals withheld from its event on, the market of that date (registrations
// live then, services not yet failed), links between registrations as the pipeline knows them, and a
// baseline of that date. Shared by the backtest's replay and the fit of risk-model-3's family part.
import { computeBaseline } from '../../shared/domain/baseline.js';
import { groupBy } from '../../shared/domain/collections.js';
import type { IsoDate, Location, RegistrationLink, RiskAssessment, Signal } from '../../shared/domain/model.js';
import { signalKey } from '../../shared/domain/model.js';
import type { RiskModelConfig } from '../../shared/domain/risk-model.js';
import { scoreMarket } from '../../shared/domain/score-market.js';
import type { FailureEvent, MarketHistory } from './history.js';
import { knownLinks, servicesOf, withPredecessors } from './re-registrations.js';

/** A subject's signals in order of receipt, so the ones known at a date are a prefix. */
interface ReceiptIndex {
  signals: Signal[];
  receivedOn: IsoDate[];
}

function indexByReceipt(signals: readonly Signal[], type: 'location' | 'provider'): Map<string, ReceiptIndex> {
  const bySubject = new Map<string, Signal[]>();
  for (const signal of signals) {
    if (signal.subject.type !== type) continue;
    const list = bySubject.get(signal.subject.id);
    if (list) list.push(signal);
    else bySubject.set(signal.subject.id, [signal]);
  }
  return new Map(
    [...bySubject].map(([id, list]) => {
      list.sort((a, b) => (a.receivedOn < b.receivedOn ? -1 : a.receivedOn > b.receivedOn ? 1 : 0));
      return [id, { signals: list, receivedOn: list.map((s) => s.receivedOn) }];
    }),
  );
}

function receivedBy(index: ReceiptIndex | undefined, asOf: IsoDate): Signal[] {
  if (!index) return [];
  let low = 0;
  let high = index.receivedOn.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (index.receivedOn[mid]! <= asOf) low = mid + 1;
    else high = mid;
  }
  return index.signals.slice(0, low);
}

/** One date's scoring: the live registrations, what was known of each, and their assessments. */
export interface ScoredDate {
  population: Location[];
  signalsByLocation: ReadonlyMap<string, readonly Signal[]>;
  assessments: RiskAssessment[];
}

export class HistoryScorer {
  readonly links: RegistrationLink[];
  /** Each registration's service: the id of its last registration, which a failure is always recorded under. */
  readonly serviceOf: ReadonlyMap<string, string>;
  readonly eventOf: ReadonlyMap<string, FailureEvent>;
  /** Signals withheld as the events' own outcome. */
  readonly withheld: number;
  private readonly byLocation: Map<string, ReceiptIndex>;
  private readonly byProvider: Map<string, ReceiptIndex>;
  private readonly predecessors: Map<string, RegistrationLink[]>;

  constructor(
    private readonly history: MarketHistory,
    private readonly model: RiskModelConfig,
  ) {
    const withheldKeys = new Set(history.events.flatMap((e) => e.outcomeSignalKeys));
    const usable = history.signals.filter((s) => !withheldKeys.has(signalKey(s)));
    this.withheld = history.signals.length - usable.length;
    this.byLocation = indexByReceipt(usable, 'location');
    this.byProvider = indexByReceipt(usable, 'provider');
    this.links = knownLinks(history);
    this.serviceOf = servicesOf(history);
    this.predecessors = groupBy(this.links, (link) => link.successorId);
    this.eventOf = new Map(history.events.map((e) => [e.locationId, e]));
  }

  /** Scores the locations live on the date: registered, not deregistered, and whose service has not failed. */
  scoreAt(asOf: IsoDate): ScoredDate {
    const population = this.history.locations.filter(
      (l) => l.registeredOn <= asOf && !((l.deregisteredOn ?? '9999-12-31') <= asOf) && !((this.eventOf.get(l.locationId)?.on ?? '9999-12-31') <= asOf),
    );
    // A successor's predecessors are scored from too, for the history it inherits.
    const scoredIds = withPredecessors(population.map((l) => l.locationId), this.predecessors);
    const signalsByLocation = new Map(scoredIds.map((id) => [id, receivedBy(this.byLocation.get(id), asOf)]));
    const signalsByProvider = new Map([...new Set(population.map((l) => l.providerId))].map((id) => [id, receivedBy(this.byProvider.get(id), asOf)]));
    const baseline = computeBaseline({ asOf, locations: population, signalsByLocation, scarceSpecialisms: this.model.impact.scarceSpecialisms });
    const { locations: assessments } = scoreMarket(
      { locations: population, providers: this.history.providers, groups: this.history.groups, signalsByLocation, signalsByProvider, links: this.links },
      asOf,
      this.model,
      baseline,
    );
    return { population, signalsByLocation, assessments };
  }
}
