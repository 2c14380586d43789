// What the dashboard reads, and the small helpers its pages share: the latest assessment date, who places
// residents where, and what a viewer may see of a set of locations.
import type { HexJsonInput } from 'd3-hexjson';
import pMap from 'p-map';
import { groupBy } from '../../shared/domain/collections.js';
import type { Episode } from '../../shared/domain/episode.js';
import type { HeatMap } from '../../shared/domain/heatmap.js';
import type { RiskAssessment, Subject } from '../../shared/domain/model.js';
import type { Protocol } from '../../shared/domain/protocol.js';
import type { DashboardReads } from '../../shared/ports/dashboard.js';
import type { AssessmentStore, BaselineStore, PlacementStore, ReferenceStore, SignalStore } from '../../shared/ports/stores.js';

export interface DashboardPorts {
  reference: ReferenceStore;
  signals: SignalStore;
  assessments: AssessmentStore;
  placements: PlacementStore;
  baselines: Pick<BaselineStore, 'latestBaseline'>;
  reads: DashboardReads;
  episodes: { currentEpisode(subject: Subject): Promise<Episode | undefined> };
  /** The heat map as of a date (the handler caches it: it reads every location's signals). */
  heatMap(asOf: string): Promise<HeatMap>;
  protocol: Protocol;
  modelVersion: string;
  hexjson: HexJsonInput;
}

/** Subjects read at once when a page needs each one's history or episode. */
export const READ_CONCURRENCY = 8;

/** The date of the latest whole-market scoring: its baseline is written with it. */
export async function latestAsOf(ports: DashboardPorts): Promise<string | undefined> {
  return (await ports.baselines.latestBaseline('9999-12-31'))?.asOf;
}

export async function placingCouncilsByLocation(ports: DashboardPorts): Promise<Map<string, string[]>> {
  const byLocation = groupBy(await ports.placements.listPlacements(), (p) => p.locationId);
  return new Map([...byLocation].map(([id, placements]) => [id, placements.map((p) => p.councilGss)]));
}

/** Each subject's stored assessments, oldest first, keyed `type#id`. */
export async function historiesOf(ports: DashboardPorts, subjects: readonly Subject[]): Promise<Map<string, RiskAssessment[]>> {
  const entries = await pMap(subjects, async (s) => [`${s.type}#${s.id}`, await ports.reads.assessmentHistory(s, ports.modelVersion)] as const, { concurrency: READ_CONCURRENCY });
  return new Map(entries);
}

export async function episodesOf(ports: DashboardPorts, subjects: readonly Subject[]): Promise<Map<string, Episode | undefined>> {
  const entries = await pMap(subjects, async (s) => [`${s.type}#${s.id}`, await ports.episodes.currentEpisode(s)] as const, { concurrency: READ_CONCURRENCY });
  return new Map(entries);
}
