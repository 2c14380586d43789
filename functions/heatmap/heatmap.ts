// The heat map use case: summarise each location's signals as known at the date, aggregate with the
// assessments into council, ADASS region and England cells, and publish the JSON and the page.
import { type HeatMap, buildHeatMap } from '../../shared/domain/heatmap.js';
import { renderHeatMapPage } from '../../shared/domain/heatmap-page.js';
import { marketFactsFor } from '../../shared/domain/market-facts.js';
import { suppressSmallNumbers } from '../../shared/domain/small-numbers.js';
import type { IsoDate } from '../../shared/domain/model.js';
import { successionAt, successionInput } from '../../shared/domain/succession.js';
import type { ObjectSink } from '../../shared/ports/objects.js';
import type { AssessmentStore, ReferenceStore, SignalStore } from '../../shared/ports/stores.js';
import { COUNCILS_HEXMAP } from '../../shared/reference/hexmap.js';
import { signalsBySubject } from '../../shared/application/market.js';

export interface HeatMapPorts {
  reference: ReferenceStore;
  signals: SignalStore;
  assessments: AssessmentStore;
  output: ObjectSink;
}

export interface HeatMapReport {
  asOf: IsoDate;
  jsonKey: string;
  pageKey: string;
  heatMap: HeatMap;
}

export async function publishHeatMap(ports: HeatMapPorts, bucket: string, asOf: IsoDate, modelVersion: string): Promise<HeatMapReport> {
  // The heat map summarises locations only: no provider or group signals to read.
  const [locations, links] = await Promise.all([ports.reference.listLocations(), ports.reference.listLinks()]);
  const signals = await signalsBySubject(ports.signals, 'location', locations.map((l) => l.locationId));
  // A successor's facts run on from its predecessor's: its last return and concerns are the home's, not new.
  const succession = successionAt(links, asOf);
  const signalsOf = (id: string) => signals.get(id) ?? [];
  const facts = new Map(locations.map((l) => [l.locationId, marketFactsFor(l, successionInput(l.locationId, succession, signalsOf).signals, asOf)]));
  const [locationAssessments, providerAssessments] = await Promise.all([
    ports.assessments.assessmentsAsOf(asOf, 'location'),
    ports.assessments.assessmentsAsOf(asOf, 'provider'),
  ]);
  // Published for anyone: small safeguarding counts are withheld (escalations to named recipients keep exact counts).
  const heatMap = suppressSmallNumbers(buildHeatMap({ asOf, modelVersion, locations, facts, locationAssessments, providerAssessments, links }));
  const jsonKey = `heatmap/${asOf}.json`;
  const pageKey = `heatmap/${asOf}.html`;
  await ports.output.putText(bucket, jsonKey, `${JSON.stringify(heatMap, null, 1)}\n`, 'application/json');
  await ports.output.putText(bucket, pageKey, renderHeatMapPage(heatMap, COUNCILS_HEXMAP), 'text/html; charset=utf-8');
  return { asOf, jsonKey, pageKey, heatMap };
}
