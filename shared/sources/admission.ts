// Admission at ingest: a signal about a location or provider the registry does not know is quarantined with the
// file and row it came from, never stored and left for the scorer. Known means registered by a register row or a
// CQC API file of this or an earlier landing (deregistered ones included); a file's own reference records count,
// so a register or API file registers its locations before its signals are admitted.
import type { KnownSubjects } from '../domain/admission.js';
import type { Provider, QuarantineRecord, Signal, Source } from '../domain/model.js';
import type { ParseContext, ParsedBatch } from './batch.js';
import { normaliseCompanyNumber } from './companies-house.js';
import { parseCsvRecords } from './csv-rows.js';
import { jsonDocuments } from './json-records.js';
import { isJsonText } from './registry.js';

/** The providers of each normalised company number: how Companies House's own files, which name no provider, find theirs. */
export function providersByCompanyNumber(providers: readonly Provider[]): Map<string, string[]> {
  const byNumber = new Map<string, string[]>();
  for (const { providerId, companyNumber } of providers) {
    if (companyNumber === null) continue;
    const number = normaliseCompanyNumber(companyNumber);
    byNumber.set(number, [...(byNumber.get(number) ?? []), providerId]);
  }
  return byNumber;
}

/** The subjects a file registers itself. */
const ownSubjects = (batch: ParsedBatch): KnownSubjects => ({
  locationIds: new Set(batch.locations.map((location) => location.locationId)),
  providerIds: new Set(batch.providers.map((provider) => provider.providerId)),
});

function knows(known: KnownSubjects, { subject }: Signal): boolean {
  switch (subject.type) {
    case 'location':
      return known.locationIds.has(subject.id);
    case 'provider':
      return known.providerIds.has(subject.id);
    default:
      // No source names a group as its subject; the scorer refuses one if it ever did.
      return true;
  }
}

/** Which kinds of subject a file names beyond its own records: only those need the stored registry read. */
export function subjectsToLookUp(batch: ParsedBatch): { locations: boolean; providers: boolean } {
  const own = ownSubjects(batch);
  const outside = batch.signals.filter((signal) => !knows(own, signal));
  return {
    locations: outside.some((signal) => signal.subject.type === 'location'),
    providers: outside.some((signal) => signal.subject.type === 'provider'),
  };
}

/** The field each source names its subject in, as its documented format spells it. */
const SUBJECT_FIELD: Readonly<Record<Source, string>> = {
  'cqc-register': 'Location ID',
  'cqc-api': 'locationId',
  'capacity-tracker': 'cqcid',
  'companies-house': 'providerId',
  'safeguarding-return': 'location_id',
  'commissioner-action': 'location_id',
};
const subjectField = (signal: Signal): string =>
  signal.source === 'commissioner-action' && signal.subject.type === 'provider' ? 'provider_id' : SUBJECT_FIELD[signal.source];

/**
 * The row of each signal, in order. A CSV reader keeps one record per row it does not quarantine, and the readers
 * of one-a-line JSON one signal per document, so the k-th signal comes from the k-th row the parser kept: every row
 * of the file, less those it quarantined.
 */
export function signalRows(text: string, batch: ParsedBatch, context: ParseContext): number[] {
  const everyRow = isJsonText(text)
    ? jsonDocuments(text).documents.map((document) => document.row)
      : // Every row refused by a reader that accepts any header: the rows the file holds, numbered as parsers number them.
        parseCsvRecords(text, context, { source: '', columns: [], recordId: () => null, idField: '', read: (fields) => fields.add(null, 'listed') }).quarantine.map(
          (record) => record.row,
        );
  const quarantined = new Set(batch.quarantine.map((record) => record.row));
  const kept = everyRow.filter((row) => !quarantined.has(row));
  if (kept.length !== batch.signals.length) {
    throw new Error(`${context.origin}: ${batch.signals.length} signals from ${kept.length} rows; cannot tell which row each came from`);
  }
  return kept;
}

/**
 * The signals about known subjects, and a quarantine record for each other one. The rows are asked for only when
 * a signal is refused: most files have none.
 */
export function admitSignals(
  batch: ParsedBatch,
  stored: KnownSubjects,
  origin: string,
  rows: () => readonly number[],
): { signals: Signal[]; quarantine: QuarantineRecord[] } {
  const own = ownSubjects(batch);
  const signals: Signal[] = [];
  const quarantine: QuarantineRecord[] = [];
  let rowOf: readonly number[] | undefined;
  batch.signals.forEach((signal, index) => {
    if (knows(own, signal) || knows(stored, signal)) {
      signals.push(signal);
      return;
    }
    const { type, id } = signal.subject;
    quarantine.push({
      source: signal.source,
      origin,
      row: (rowOf ??= rows())[index]!,
      recordId: signal.naturalId,
      field: subjectField(signal),
      reason: `unknown ${type} ${id.slice(0, 80)}: not in any register or CQC API file received so far`,
    });
  });
  return { signals, quarantine };
}
