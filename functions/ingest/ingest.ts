// The ingest use case: read one landed file, parse it with its source's parser, store the good records
// once each and quarantine the bad ones with their reasons. A re-sent file stores nothing new.
import type { IsoDate } from '../../shared/domain/model.js';
import type { ObjectSource } from '../../shared/ports/objects.js';
import type { PlacementStore, QuarantineStore, ReferenceStore, SignalStore } from '../../shared/ports/stores.js';
import { parsePlacements } from '../../shared/sources/placements.js';
import { PLACEMENTS_PREFIX, parseLandedKey, SIGNAL_SOURCES } from '../../shared/sources/registry.js';

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

export async function ingestObject(ports: IngestPorts, bucket: string, key: string, receivedOn: IsoDate): Promise<IngestReport> {
  const landed = parseLandedKey(key);
  if ('error' in landed) {
    // A file we cannot place is itself quarantined, so it is never silently ignored.
    return quarantineWholeFile(ports, key, 'unknown', landed.error);
  }
  const text = await ports.objects.getText(bucket, key);
  const context = { origin: key, receivedOn, snapshotOn: landed.snapshotOn };
  if (landed.prefix === PLACEMENTS_PREFIX) {
    const { placements, quarantine } = parsePlacements(text, context);
    await ports.placements.putPlacements(placements);
    await ports.quarantine.quarantine(quarantine);
    return { key, source: landed.prefix, signalsStored: 0, signalsAlreadyPresent: 0, referenceRecords: placements.length, quarantined: quarantine.length };
  }
  let batch;
  try {
    batch = SIGNAL_SOURCES[landed.prefix]!(text, context);
  } catch (error) {
    // A wholly unreadable file (wrong header, wrong format) is quarantined whole; storage errors still throw.
    return quarantineWholeFile(ports, key, landed.prefix, error instanceof Error ? error.message : String(error));
  }
  await ports.reference.putReference(batch);
  const written = await ports.signals.putSignals(batch.signals);
  await ports.quarantine.quarantine(batch.quarantine);
  return {
    key,
    source: landed.prefix,
    signalsStored: written.stored,
    signalsAlreadyPresent: written.alreadyPresent,
    referenceRecords: batch.locations.length + batch.providers.length + batch.groups.length,
    quarantined: batch.quarantine.length,
  };
}

async function quarantineWholeFile(ports: IngestPorts, key: string, source: string, reason: string): Promise<IngestReport> {
  await ports.quarantine.quarantine([{ source, origin: key, row: 0, recordId: null, field: null, reason }]);
  return { key, source, signalsStored: 0, signalsAlreadyPresent: 0, referenceRecords: 0, quarantined: 1 };
}
