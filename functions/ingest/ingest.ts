// The ingest use case: read one landed file, recognise its source (by key, or by content for a dated delivery),
// parse it, admit only signals about subjects the registry knows, store the good records once each and
// quarantine the bad ones with their reasons. A re-sent file stores nothing new.
import type { IsoDate, Location, Provider } from '../../shared/domain/model.js';
import type { ObjectSource } from '../../shared/ports/objects.js';
import type { PlacementStore, QuarantineStore, ReferenceStore, SignalStore } from '../../shared/ports/stores.js';
import { admitSignals, providersByCompanyNumber, signalRows, subjectsToLookUp } from '../../shared/sources/admission.js';
import type { ParseContext, ParsedBatch } from '../../shared/sources/batch.js';
import { parsePlacements } from '../../shared/sources/placements.js';
import { decodeLanded } from '../../shared/sources/decoding.js';
import { fileSizeProblem } from '../../shared/sources/limits.js';
import { PLACEMENTS_PREFIX, recogniseSource, signalParser } from '../../shared/sources/registry.js';

export interface IngestPorts {
  objects: ObjectSource;
  signals: SignalStore;
  reference: ReferenceStore;
  placements: PlacementStore;
  quarantine: QuarantineStore;
}

export interface IngestReport {
  key: string;
  source: string;
  signalsStored: number;
  signalsAlreadyPresent: number;
  referenceRecords: number;
  quarantined: number;
}

/** The registry as stored, each list read at most once per file and only when the file needs it. */
class StoredRegistry {
  private locations?: Promise<Location[]>;
  private providers?: Promise<Provider[]>;

  constructor(private readonly reference: ReferenceStore) {}

  listLocations(): Promise<Location[]> {
    return (this.locations ??= this.reference.listLocations());
  }

  listProviders(): Promise<Provider[]> {
    return (this.providers ??= this.reference.listProviders());
  }

  /** The stored ids of the kinds of subject the batch names beyond its own records. */
  async knownFor(batch: ParsedBatch) {
    const lookUp = subjectsToLookUp(batch);
    const [locations, providers] = await Promise.all([
      lookUp.locations ? this.listLocations() : [],
      lookUp.providers ? this.listProviders() : [],
    ]);
    return { locationIds: new Set(locations.map((l) => l.locationId)), providerIds: new Set(providers.map((p) => p.providerId)) };
  }
}

export async function ingestObject(ports: IngestPorts, bucket: string, key: string, landedOn: IsoDate): Promise<IngestReport> {
  const bytes = await ports.objects.getBytes(bucket, key);
  // Refused whole before anything reads it: recognition parses a JSON file's first document.
  const tooLarge = fileSizeProblem(bytes.length, 'csv');
  if (tooLarge) return quarantineWholeFile(ports, key, 'unknown', tooLarge);
  // Bytes that are not UTF-8 are read as Windows-1252 where they can be, never silently replaced.
  const decoded = decodeLanded(bytes);
  if ('error' in decoded) return quarantineWholeFile(ports, key, 'unknown', decoded.error);
  const { text } = decoded;
  const recognised = recogniseSource(key, text);
  if ('error' in recognised) {
    // A file we cannot place is itself quarantined, so it is never silently ignored.
    return quarantineWholeFile(ports, key, 'unknown', recognised.error);
  }
  const { source, snapshotOn } = recognised;
  // A delivery's date folder is the day it was received, unless it claims a day still to come.
  const receivedOn = recognised.dated && snapshotOn < landedOn ? snapshotOn : landedOn;
  const context: ParseContext = { origin: key, receivedOn, snapshotOn };
  if (source === PLACEMENTS_PREFIX) {
    const { placements, quarantine } = parsePlacements(text, context);
    await ports.placements.putPlacements(placements);
    await ports.quarantine.quarantine(quarantine);
    return { key, source, signalsStored: 0, signalsAlreadyPresent: 0, referenceRecords: placements.length, quarantined: quarantine.length };
  }
  const registry = new StoredRegistry(ports.reference);
  // Companies House's own files name a company, not a provider: they find theirs through the registry.
  if (source === 'companies-house') context.providersByCompanyNumber = providersByCompanyNumber(await registry.listProviders());
  let batch;
  try {
    batch = signalParser(source)!(text, context);
  } catch (error) {
    // A wholly unreadable file (wrong header, wrong format) is quarantined whole; storage errors still throw.
    return quarantineWholeFile(ports, key, source, error instanceof Error ? error.message : String(error));
  }
  const admitted = admitSignals(batch, await registry.knownFor(batch), key, () => signalRows(text, batch, context));
  const quarantine = [...batch.quarantine, ...admitted.quarantine];
  await ports.reference.putReference(batch);
  const written = await ports.signals.putSignals(admitted.signals);
  await ports.quarantine.quarantine(quarantine);
  return {
    key,
    source,
    signalsStored: written.stored,
    signalsAlreadyPresent: written.alreadyPresent,
    referenceRecords: batch.locations.length + batch.providers.length + batch.groups.length,
    quarantined: quarantine.length,
  };
}

async function quarantineWholeFile(ports: IngestPorts, key: string, source: string, reason: string): Promise<IngestReport> {
  await ports.quarantine.quarantine([{ source, origin: key, row: 0, recordId: null, field: null, reason }]);
  return { key, source, signalsStored: 0, signalsAlreadyPresent: 0, referenceRecords: 0, quarantined: 1 };
}
