// What every family of the risk model builds on: a draft of its factors, the scoring context, and the
// helpers that pick signals and cite them as evidence.
import type { MarketBaseline } from '../baseline.js';
import type { Evidence, Factor, Family, IsoDate, Signal, SignalKind, SignalOf } from '../model.js';
import type { RiskModelConfig } from '../risk-model.js';

export interface FamilyDraft {
  family: Family;
  hasData: boolean;
  factors: Factor[];
  lastDataOn: IsoDate | null;
  stale: boolean;
  /** Lower than 1 when the family's data is old. */
  freshness: number;
}

export const draft = (family: Family): FamilyDraft => ({ family, hasData: false, factors: [], lastDataOn: null, stale: false, freshness: 1 });

export function addFactor(d: FamilyDraft, indicator: string, points: number, proof: Evidence[]): void {
  if (points > 0) d.factors.push({ family: d.family, indicator, points, evidence: proof });
}

export interface Context {
  asOf: IsoDate;
  model: RiskModelConfig;
  baseline: MarketBaseline;
  hardTriggers: Set<string>;
  flags: string[];
}

export function ofKind<K extends SignalKind>(signals: readonly Signal[], kind: K): SignalOf<K>[] {
  return signals
    .filter((s): s is SignalOf<K> => s.facts.kind === kind)
    .sort((a, b) => a.describedOn.localeCompare(b.describedOn) || a.receivedOn.localeCompare(b.receivedOn) || a.naturalId.localeCompare(b.naturalId));
}

export const latest = <T>(items: readonly T[]): T | undefined => items[items.length - 1];

export const evidence = (signal: Signal, value: string): Evidence => ({
  source: signal.source,
  date: signal.describedOn,
  value,
  ...(signal.inheritedFrom === undefined ? {} : { inheritedFrom: signal.inheritedFrom }),
});
