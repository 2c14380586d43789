// The heat map use case: summarise each location's signals as known at the date, aggregate with the
// assessments into council, ADASS region and England cells, and publish the JSON and the page.
import type { HeatMap } from '../../shared/domain/heatmap.js';
import { renderHeatMapPage } from '../../shared/domain/heatmap-page.js';
import { suppressSmallNumbers } from '../../shared/domain/small-numbers.js';
import type { IsoDate } from '../../shared/domain/model.js';
import type { ObjectSink } from '../../shared/ports/objects.js';
import type { AssessmentStore, ReferenceStore, SignalStore } from '../../shared/ports/stores.js';
import { COUNCILS_HEXMAP } from '../../shared/reference/hexmap.js';
import { computeHeatMap } from '../../shared/application/heat-map.js';

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
  // Published for anyone: small safeguarding counts are withheld (escalations to named recipients keep exact counts).
  const heatMap = suppressSmallNumbers(await computeHeatMap(ports, asOf, modelVersion));
  const jsonKey = `heatmap/${asOf}.json`;
  const pageKey = `heatmap/${asOf}.html`;
  await ports.output.putText(bucket, jsonKey, `${JSON.stringify(heatMap, null, 1)}\n`, 'application/json');
  await ports.output.putText(bucket, pageKey, renderHeatMapPage(heatMap, COUNCILS_HEXMAP), 'text/html; charset=utf-8');
  return { asOf, jsonKey, pageKey, heatMap };
}
