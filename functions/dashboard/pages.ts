// The map, council and search pages: read what each needs, decide what the viewer may see, render.
// Each returns a page or a refusal; the HTTP translation is in dashboard.ts.
import { councilByGss } from '../../shared/domain/councils.js';
import { mayOpenCouncil, seenLocations, type Viewer } from '../../shared/domain/dashboard/access.js';
import { aggregateViewFor, type MetricId } from '../../shared/domain/dashboard/aggregate.js';
import { councilCsvRecords, councilRows, type CouncilFilters, filterRows, renderCouncilPage, type ServiceRow } from '../../shared/domain/dashboard/council-page.js';
import { isRegion, metricById, renderMapPage } from '../../shared/domain/dashboard/map-page.js';
import { renderSearchPage, search } from '../../shared/domain/dashboard/search-page.js';
import { BANDS, type Band, SERVICE_KINDS, type ServiceKind, type Subject } from '../../shared/domain/model.js';
import { episodesOf, historiesOf, latestAsOf, placingCouncilsByLocation, type DashboardPorts } from './ports.js';

export type PageResult = { page: string } | { csv: string[][]; filename: string } | { refused: 403 | 404; message: string };

export const NOT_YET_SCORED = 'Nothing has been scored yet: run the pipeline first.';

export async function mapPage(ports: DashboardPorts, viewer: Viewer, query: Readonly<Record<string, string | undefined>>): Promise<PageResult> {
  const asOf = await latestAsOf(ports);
  if (!asOf) return { refused: 404, message: NOT_YET_SCORED };
  const view = aggregateViewFor(viewer, await ports.heatMap(asOf));
  const metric = (metricById(query.metric ?? '')?.id ?? 'red-locations') as MetricId;
  const region = query.region && isRegion(query.region) ? query.region : '';
  return { page: renderMapPage({ view, viewer, metric, region, hexjson: ports.hexjson }) };
}

const isBand = (value: string | undefined): value is Band => (BANDS as readonly string[]).includes(value ?? '');
const isKind = (value: string | undefined): value is ServiceKind => (SERVICE_KINDS as readonly string[]).includes(value ?? '');

export const councilFilters = (query: Readonly<Record<string, string | undefined>>): CouncilFilters => ({
  band: isBand(query.band) ? query.band : '',
  kind: isKind(query.kind) ? query.kind : '',
});

async function rowsOfCouncil(ports: DashboardPorts, viewer: Viewer, gss: string): Promise<{ asOf: string; rows: ServiceRow[] } | PageResult> {
  const council = councilByGss(gss);
  if (!council) return { refused: 404, message: `${gss} is not one of the 153 councils.` };
  if (!mayOpenCouncil(viewer, gss)) return { refused: 403, message: `Your access does not include the services of ${council.name}.` };
  const asOf = await latestAsOf(ports);
  if (!asOf) return { refused: 404, message: NOT_YET_SCORED };
  const [locations, placing, providers, locationAssessments, providerAssessments] = await Promise.all([
    ports.reference.listLocations(),
    placingCouncilsByLocation(ports),
    ports.reference.listProviders(),
    ports.assessments.assessmentsAsOf(asOf, 'location'),
    ports.assessments.assessmentsAsOf(asOf, 'provider'),
  ]);
  const here = locations.filter((l) => l.councilGss === gss || (placing.get(l.locationId) ?? []).includes(gss));
  const seen = seenLocations(viewer, here, placing);
  const providerIds = new Set(seen.map((s) => s.location.providerId));
  const subjects: Subject[] = [...seen.map((s) => ({ type: 'location' as const, id: s.location.locationId })), ...[...providerIds].map((id) => ({ type: 'provider' as const, id }))];
  const [histories, episodes] = await Promise.all([historiesOf(ports, subjects), episodesOf(ports, subjects)]);
  const latest = new Map([...locationAssessments, ...providerAssessments].map((a) => [`${a.subject.type}#${a.subject.id}`, a]));
  const rows = councilRows({
    council,
    viewer,
    protocol: ports.protocol,
    locations: seen.map((s) => s.location),
    placingCouncils: placing,
    providers: providers.filter((p) => providerIds.has(p.providerId)),
    latest,
    histories,
    episodes,
  });
  return { asOf, rows };
}

export async function councilPage(ports: DashboardPorts, viewer: Viewer, gss: string, query: Readonly<Record<string, string | undefined>>): Promise<PageResult> {
  const found = await rowsOfCouncil(ports, viewer, gss);
  if (!('rows' in found)) return found;
  const filters = councilFilters(query);
  return { page: renderCouncilPage({ council: councilByGss(gss)!, viewer, asOf: found.asOf, rows: filterRows(found.rows, filters), filters }) };
}

export async function councilCsv(ports: DashboardPorts, viewer: Viewer, gss: string, query: Readonly<Record<string, string | undefined>>): Promise<PageResult> {
  const found = await rowsOfCouncil(ports, viewer, gss);
  if (!('rows' in found)) return found;
  return { csv: councilCsvRecords(filterRows(found.rows, councilFilters(query))), filename: `${gss}-${found.asOf}.csv` };
}

/** Search is for parties of the protocol: its results lead to detail pages, each checked again on opening. */
export async function searchPage(ports: DashboardPorts, viewer: Viewer, query: string): Promise<PageResult> {
  if (viewer.kind === 'public') return { refused: 403, message: 'Search leads to services’ detail pages: sign in as a party of the protocol.' };
  if (query.trim() === '') return { page: renderSearchPage(viewer, query, []) };
  const [locations, providers, groups, placing] = await Promise.all([
    ports.reference.listLocations(),
    ports.reference.listProviders(),
    ports.reference.listGroups(),
    placingCouncilsByLocation(ports),
  ]);
  const visibleLocations = seenLocations(viewer, locations, placing).map((s) => s.location);
  const providerIds = new Set(visibleLocations.map((l) => l.providerId));
  const visibleProviders = providers.filter((p) => providerIds.has(p.providerId));
  const groupIds = new Set(visibleProviders.map((p) => p.groupId));
  const hits = search({ query: query.slice(0, 200), locations: visibleLocations, providers: visibleProviders, groups: groups.filter((g) => groupIds.has(g.groupId)) });
  return { page: renderSearchPage(viewer, query, hits) };
}
