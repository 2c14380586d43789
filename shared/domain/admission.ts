// What the scorer accepts. A signal about a location or provider the register does not know, or one that
// describes a day after it was received, is rejected with its reason and quarantined, never scored.
import type { QuarantineRecord, Signal } from './model.js';

export interface KnownSubjects {
  locationIds: ReadonlySet<string>;
  providerIds: ReadonlySet<string>;
}

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
