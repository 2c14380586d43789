// The ingest ports held in memory, keyed as the DynamoDB adapters key them, for properties run thousands of
// times where starting an engine per case would be too slow. What the real engine shows is tested on it.
import type { Group, Location, Provider, QuarantineRecord, RegistrationLink, Signal, Subject } from '../../shared/domain/model.js';
import type { ObjectSource } from '../../shared/ports/objects.js';
import type { PlacementStore, QuarantineStore, ReferenceStore, SignalStore, WriteCount } from '../../shared/ports/stores.js';
import type { Placement } from '../../shared/sources/placements.js';

/** Puts each item under its key once; a second put of a key counts as already present and changes nothing. */
function putOnce<T>(items: Map<string, T>, entries: readonly [string, T][]): WriteCount {
  let stored = 0;
  for (const [key, item] of entries) {
    if (items.has(key)) continue;
    items.set(key, item);
    stored += 1;
  }
  return { stored, alreadyPresent: entries.length - stored };
}

export class InMemoryIngestStores implements SignalStore, ReferenceStore, PlacementStore, QuarantineStore, ObjectSource {
  readonly objects = new Map<string, Uint8Array>();
  readonly signals = new Map<string, Signal>();
  readonly quarantined = new Map<string, QuarantineRecord>();
  readonly locations = new Map<string, Location>();
  readonly providers = new Map<string, Provider>();
  readonly groups = new Map<string, Group>();
  readonly links = new Map<string, RegistrationLink>();
  readonly placements = new Map<string, Placement>();

  async getBytes(bucket: string, key: string): Promise<Uint8Array> {
    const bytes = this.objects.get(`${bucket}/${key}`);
    if (bytes === undefined) throw new Error(`no object ${bucket}/${key}`);
    return bytes;
  }

  async putSignals(signals: readonly Signal[]): Promise<WriteCount> {
    return putOnce(this.signals, signals.map((signal) => [`${signal.source}#${signal.naturalId}#${signal.subject.type}#${signal.subject.id}`, signal]));
  }

  async signalsFor(subject: Subject): Promise<Signal[]> {
    return [...this.signals.values()].filter((signal) => signal.subject.type === subject.type && signal.subject.id === subject.id);
  }

  async quarantine(records: readonly QuarantineRecord[]): Promise<WriteCount> {
    return putOnce(this.quarantined, records.map((record) => [`${record.source}#${record.origin}#${record.row}`, record]));
  }

  async listQuarantine(): Promise<QuarantineRecord[]> {
    return [...this.quarantined.values()];
  }

  async putReference(entities: { locations: readonly Location[]; providers: readonly Provider[]; groups: readonly Group[]; links?: readonly RegistrationLink[] }): Promise<void> {
    for (const location of entities.locations) this.locations.set(location.locationId, location);
    for (const provider of entities.providers) this.providers.set(provider.providerId, provider);
    for (const group of entities.groups) this.groups.set(group.groupId, group);
    putOnce(this.links, (entities.links ?? []).map((link) => [`${link.predecessorId}#${link.successorId}#${link.evidence}`, link]));
  }

  async listLinks(): Promise<RegistrationLink[]> {
    return [...this.links.values()];
  }

  async linksOf(locationId: string): Promise<RegistrationLink[]> {
    return [...this.links.values()].filter((link) => link.predecessorId === locationId || link.successorId === locationId);
  }

  async listLocations(): Promise<Location[]> {
    return [...this.locations.values()];
  }

  async listProviders(): Promise<Provider[]> {
    return [...this.providers.values()];
  }

  async listGroups(): Promise<Group[]> {
    return [...this.groups.values()];
  }

  async getLocation(locationId: string): Promise<Location | undefined> {
    return this.locations.get(locationId);
  }

  async getProvider(providerId: string): Promise<Provider | undefined> {
    return this.providers.get(providerId);
  }

  async getGroup(groupId: string): Promise<Group | undefined> {
    return this.groups.get(groupId);
  }

  async locationsOfProvider(providerId: string): Promise<Location[]> {
    return [...this.locations.values()].filter((location) => location.providerId === providerId);
  }

  async providersOfGroup(groupId: string): Promise<Provider[]> {
    return [...this.providers.values()].filter((provider) => provider.groupId === groupId);
  }

  async putPlacements(placements: readonly Placement[]): Promise<void> {
    for (const placement of placements) this.placements.set(`${placement.councilGss}#${placement.locationId}`, placement);
  }

  async listPlacements(): Promise<Placement[]> {
    return [...this.placements.values()];
  }
}
