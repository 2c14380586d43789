// What the scorer accepts. A signal about a location or provider the register does not know, or one that
// describes a day after it was received, is rejected with its reason and quarantined, never scored.
import type { Location, Provider, QuarantineRecord, Signal } from './model.js';
import type { MarketSnapshot } from './score-market.js';

export interface KnownSubjects {
  locationIds: ReadonlySet<string>;
  providerIds: ReadonlySet<string>;
}

/** The subjects the register lists, which signals must be about. */
export const knownSubjects = (register: { locations: readonly Location[]; providers: readonly Provider[] }): KnownSubjects => ({
  locationIds: new Set(register.locations.map((l) => l.locationId)),
  providerIds: new Set(register.providers.map((p) => p.providerId)),
});

export interface Admission {
  admitted: Signal[];
  rejected: QuarantineRecord[];
}

/** Quarantine records from the scorer name the signal, not a file row: row 0 means "not from a file". */
const rejection = (signal: Signal, field: string, reason: string): QuarantineRecord => ({
  source: signal.source,
  origin: 'scorer',
  row: 0,
  recordId: `${signal.source}#${signal.naturalId}`,
  field,
  reason,
});

export function admitForScoring(signals: readonly Signal[], known: KnownSubjects): Admission {
  const admitted: Signal[] = [];
  const rejected: QuarantineRecord[] = [];
  for (const signal of signals) {
    const { type, id } = signal.subject;
    if (type === 'location' && !known.locationIds.has(id)) {
      rejected.push(rejection(signal, 'subject.id', `signal for unknown location ${id}: not in the CQC register as ingested`));
    } else if (type === 'provider' && !known.providerIds.has(id)) {
      rejected.push(rejection(signal, 'subject.id', `signal for unknown provider ${id}: not in the CQC register as ingested`));
    } else if (type === 'group') {
      rejected.push(rejection(signal, 'subject.type', 'signals are about a location or a provider; a group has none of its own'));
    } else if (signal.describedOn > signal.receivedOn) {
      rejected.push(rejection(signal, 'describedOn', `describes ${signal.describedOn}, after it was received on ${signal.receivedOn}: a date in the future`));
    } else {
      admitted.push(signal);
    }
  }
  return { admitted, rejected };
}

type MarketSignals = Pick<MarketSnapshot, 'signalsByLocation' | 'signalsByProvider'>;

/** Keeps only the signals of a market, or of a part of it, the scorer may use; the rest go to quarantine with their reasons. */
export function admitMarket<M extends MarketSignals>(market: M, known: KnownSubjects): { market: M; rejected: QuarantineRecord[] } {
  const rejected: QuarantineRecord[] = [];
  const admit = (bySubject: MarketSignals['signalsByLocation']) =>
    new Map(
      [...bySubject].map(([id, signals]) => {
        const admission = admitForScoring(signals, known);
        rejected.push(...admission.rejected);
        return [id, admission.admitted] as const;
      }),
    );
  return { market: { ...market, signalsByLocation: admit(market.signalsByLocation), signalsByProvider: admit(market.signalsByProvider) }, rejected };
}
