// The heat map as of a date from the stored market: the step the heat map Lambda (which publishes it) and
// the dashboard (which serves it) share. It sits here so neither bundles the other's use case.
import { type HeatMap, buildHeatMap } from '../domain/heatmap.js';
import { type LocationMarketFacts, marketFactsFor } from '../domain/market-facts.js';
import type { IsoDate } from '../domain/model.js';
import { successionAt, successionInput } from '../domain/succession.js';
import type { AssessmentStore, ReferenceStore, SignalStore } from '../ports/stores.js';
import { LOCATIONS_PER_PART, marketInParts } from './market.js';

export interface HeatMapSources {
  reference: ReferenceStore;
  signals: SignalStore;
  assessments: AssessmentStore;
}

export async function computeHeatMap(ports: HeatMapSources, asOf: IsoDate, modelVersion: string, locationsPerPart = LOCATIONS_PER_PART): Promise<HeatMap> {
  // The heat map summarises locations only: no provider or group signals to read.
  const [locations, links] = await Promise.all([ports.reference.listLocations(), ports.reference.listLinks()]);
  // A successor's facts run on from its predecessor's: its last return and concerns are the home's, not new.
  const succession = successionAt(links, asOf);
  const facts = new Map<string, LocationMarketFacts>();
  // A part at a time, as the full scoring reads them, so only a part's signals are held at once.
  for await (const part of marketInParts(ports.signals, { locations, providers: [], links }, asOf, locationsPerPart)) {
    const signalsOf = (id: string) => part.signalsByLocation.get(id) ?? part.signalsByPredecessor.get(id) ?? [];
    for (const l of part.locations) facts.set(l.locationId, marketFactsFor(l, successionInput(l.locationId, succession, signalsOf).signals, asOf));
  }
  const [locationAssessments, providerAssessments] = await Promise.all([
    ports.assessments.assessmentsAsOf(asOf, 'location'),
    ports.assessments.assessmentsAsOf(asOf, 'provider'),
  ]);
  return buildHeatMap({ asOf, modelVersion, locations, facts, locationAssessments, providerAssessments, links });
}
