// The ingest use case: read one landed file, recognise its source (by key, or by content for a dated delivery),
// parse it, admit only signals about subjects the registry knows, link its registrations to those before and
// after them (as CQC states, else by the stated heuristic), store the good records once each and quarantine
// the bad ones with their reasons. A re-sent file stores nothing new.
import pMap from 'p-map';
import { type IsoDate, type Location, type Provider, type RegistrationLink, Source } from '../../shared/domain/model.js';
import { addDays } from '../../shared/domain/dates.js';
import { inferLinks } from '../../shared/domain/registration-matching.js';
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
  /** Links between registrations stored for the first time: stated by the file or inferred with an end in it. */
  linksStored: number;
  quarantined: number;
}

/** The registry as stored, each list read at most once per file and only when the file needs it. */
class StoredRegistry {
  private locations?: Promise<Location[]>;
  private providers?: Promise<Provider[]>;
  private links?: Promise<RegistrationLink[]>;

  constructor(private readonly reference: ReferenceStore) {}

  listLocations(): Promise<Location[]> {
    return (this.locations ??= this.reference.listLocations());
  }

  listProviders(): Promise<Provider[]> {
    return (this.providers ??= this.reference.listProviders());
  }

  listLinks(): Promise<RegistrationLink[]> {
    return (this.links ??= this.reference.listLinks());
  }

  /** The stored profiles of these locations: one read each for a few, the listing for many. */
  async storedLocations(ids: readonly string[]): Promise<Map<string, Location>> {
    const found =
      ids.length > FEW_LOCATIONS
        ? await this.listLocations()
        : (await pMap(ids, (id) => this.reference.getLocation(id))).filter((l): l is Location => l !== undefined);
    return new Map(found.map((l) => [l.locationId, l]));
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
    return { key, source, signalsStored: 0, signalsAlreadyPresent: 0, referenceRecords: placements.length, linksStored: 0, quarantined: quarantine.length };
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
  const located = { ...batch, locations: await keepStoredAddress(batch.locations, registry) };
  const links = await newLinks(located, registry, { origin: key, receivedOn }, Source.safeParse(source).data);
  await ports.reference.putReference({ ...located, links });
  const written = await ports.signals.putSignals(admitted.signals);
  await ports.quarantine.quarantine(quarantine);
  return {
    key,
    source,
    signalsStored: written.stored,
    signalsAlreadyPresent: written.alreadyPresent,
    referenceRecords: batch.locations.length + batch.providers.length + batch.groups.length,
    linksStored: links.length,
    quarantined: quarantine.length,
  };
}

/** Up to this many locations in a file are looked up one by one; more read the whole registry once. */
const FEW_LOCATIONS = 25;

/**
 * Each location's address keys as the file gives them, else as another source stored them: the register
 * gives a UPRN and no postcode, the CQC API both, and a profile is replaced whole, so whichever landed last
 * would otherwise wipe the other's key and weaken the link heuristic.
 */
async function keepStoredAddress(locations: readonly Location[], registry: StoredRegistry): Promise<Location[]> {
  const lacking = locations.filter((l) => l.uprn === undefined || l.postcode === undefined);
  if (lacking.length === 0) return [...locations];
  const stored = await registry.storedLocations(lacking.map((l) => l.locationId));
  return locations.map((l) => {
    const before = stored.get(l.locationId);
    if (!before) return l;
    const uprn = l.uprn ?? before.uprn;
    const postcode = l.postcode ?? before.postcode;
    return { ...l, ...(uprn === undefined ? {} : { uprn }), ...(postcode === undefined ? {} : { postcode }) };
  });
}

/** Registrations this recent may be a successor: a month's register extract names them a few weeks late at most. */
const RECENT_REGISTRATION_DAYS = 62;

/**
 * A location worth matching: it has an address key and it is a deregistration or a recent registration. Most
 * files (a rating update, a month's returns) have neither, so they never read the whole registry.
 */
const isMatchable = (location: Location, receivedOn: IsoDate): boolean =>
  (location.uprn !== undefined || location.postcode !== undefined) &&
  (location.deregisteredOn !== undefined || location.registeredOn >= addDays(receivedOn, -RECENT_REGISTRATION_DAYS));

/** A link's identity in the store: one per predecessor, successor and evidence. */
const linkKey = (link: RegistrationLink): string => `${link.predecessorId}#${link.successorId}#${link.evidence}`;

/**
 * The links the file states and those the heuristic finds with an end among its locations (the file's records
 * standing for the stored ones with their ids), less those already stored: a re-run over stored data neither
 * re-dates an old link nor counts it again. A link needs an address key at both ends, so a file whose locations
 * carry none is matched against nothing.
 */
async function newLinks(
  batch: ParsedBatch,
  registry: StoredRegistry,
  file: { origin: string; receivedOn: IsoDate },
  source: Source | undefined,
): Promise<RegistrationLink[]> {
  const stated = batch.links ?? [];
  const matchable = source !== undefined && batch.locations.some((location) => isMatchable(location, file.receivedOn));
  if (stated.length === 0 && !matchable) return [];
  const stored = await registry.listLinks();
  const own = new Set(batch.locations.map((location) => location.locationId));
  const inferred = matchable
    ? inferLinks({ candidates: [...(await registry.listLocations()), ...batch.locations], known: [...stored, ...stated], ...file, source }).filter(
        (link) => own.has(link.predecessorId) || own.has(link.successorId),
      )
    : [];
  const storedKeys = new Set(stored.map(linkKey));
  return [...stated, ...inferred].filter((link) => !storedKeys.has(linkKey(link)));
}

async function quarantineWholeFile(ports: IngestPorts, key: string, source: string, reason: string): Promise<IngestReport> {
  await ports.quarantine.quarantine([{ source, origin: key, row: 0, recordId: null, field: null, reason }]);
  return { key, source, signalsStored: 0, signalsAlreadyPresent: 0, referenceRecords: 0, linksStored: 0, quarantined: 1 };
}
