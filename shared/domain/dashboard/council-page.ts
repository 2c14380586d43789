// The council page: the council's own services and those it places residents at, each with its provider,
// band, likelihood, impact, monitoring level, top reasons, since when it holds its band and its open
// episode; filters by band and service kind; the same rows as CSV. Prints one page per council.
import type { Episode } from '../episode.js';
import { BANDS, type Band, type Council, type Location, type Provider, type RiskAssessment, SERVICE_KINDS, type ServiceKind } from '../model.js';
import type { Protocol, RecipientKind } from '../protocol.js';
import { councilByGss } from '../councils.js';
import { classesFor, seenLocations, type Viewer } from './access.js';
import { bandRun, topReasons } from './history.js';
import { bandBadge, formatDate, html, layout, raw, sortableHeading } from './layout.js';

export const subjectKey = (type: string, id: string) => `${type}#${id}`;

export interface ServiceRow {
  type: 'location' | 'provider';
  id: string;
  name: string;
  serviceKinds: ServiceKind[];
  /** The host council's name (a provider's: of its services shown here). */
  hostCouncil: string;
  /** A service elsewhere that this council places residents at. */
  placedFromHere: boolean;
  providerId: string | null;
  band: Band | null;
  likelihood: number | null;
  impact: string | null;
  monitoringLevel: string | null;
  reasons: string[];
  bandSince: string | null;
  previousBand: Band | null;
  episode: { id: string; tier: string; openedOn: string } | null;
}

export interface CouncilRowsInput {
  council: Council;
  viewer: Viewer;
  protocol: Protocol;
  /** Locations in the council and those it places residents at. */
  locations: readonly Location[];
  /** Councils placing residents at each location id. */
  placingCouncils: ReadonlyMap<string, readonly string[]>;
  providers: readonly Provider[];
  /** Latest assessment by subject key. */
  latest: ReadonlyMap<string, RiskAssessment>;
  /** Assessments oldest first, by subject key. */
  histories: ReadonlyMap<string, readonly RiskAssessment[]>;
  episodes: ReadonlyMap<string, Episode | undefined>;
}

function assessed(key: string, input: CouncilRowsInput, capacities: readonly RecipientKind[]) {
  const latest = input.latest.get(key);
  const run = bandRun(input.histories.get(key) ?? (latest ? [latest] : []));
  const episode = input.episodes.get(key);
  return {
    band: latest?.band ?? null,
    likelihood: latest === undefined ? null : Math.round(latest.likelihood),
    impact: latest?.impact ?? null,
    monitoringLevel: latest?.monitoringLevel ?? null,
    reasons: latest ? topReasons(latest, classesFor(capacities, input.protocol)) : [],
    bandSince: run?.since ?? null,
    previousBand: run?.previous ?? null,
    episode: episode?.status === 'open' ? { id: episode.episodeId, tier: episode.tier, openedOn: episode.openedOn } : null,
  };
}

/** Only what the viewer may see: a location in a capacity the protocol gives it, a provider through those. */
export function councilRows(input: CouncilRowsInput): ServiceRow[] {
  const gss = input.council.gss;
  const seen = seenLocations(input.viewer, input.locations, input.placingCouncils);
  const locationRows: ServiceRow[] = seen.map(({ location, capacity }) => ({
    type: 'location',
    id: location.locationId,
    name: location.name,
    serviceKinds: [location.serviceKind],
    hostCouncil: councilByGss(location.councilGss)?.name ?? location.councilGss,
    placedFromHere: location.councilGss !== gss,
    providerId: location.providerId,
    ...assessed(subjectKey('location', location.locationId), input, [capacity]),
  }));
  const providerRows: ServiceRow[] = input.providers.flatMap((provider) => {
    const mine = seen.filter((s) => s.location.providerId === provider.providerId);
    if (mine.length === 0) return [];
    return [
      {
        type: 'provider' as const,
        id: provider.providerId,
        name: provider.name,
        serviceKinds: [...new Set(mine.map((s) => s.location.serviceKind))],
        hostCouncil: [...new Set(mine.map((s) => councilByGss(s.location.councilGss)?.name ?? s.location.councilGss))].join(', '),
        placedFromHere: mine.every((s) => s.location.councilGss !== gss),
        providerId: null,
        ...assessed(subjectKey('provider', provider.providerId), input, mine.map((s) => s.capacity)),
      },
    ];
  });
  const order = (row: ServiceRow) => (row.band === null ? 3 : 2 - BANDS.indexOf(row.band));
  const sort = (rows: ServiceRow[]) => rows.sort((a, b) => order(a) - order(b) || (b.likelihood ?? 0) - (a.likelihood ?? 0) || a.name.localeCompare(b.name));
  return [...sort(providerRows), ...sort(locationRows)];
}

export interface CouncilFilters {
  band: Band | '';
  kind: ServiceKind | '';
}

export function filterRows(rows: readonly ServiceRow[], filters: CouncilFilters): ServiceRow[] {
  return rows.filter((r) => (filters.band === '' || r.band === filters.band) && (filters.kind === '' || r.serviceKinds.includes(filters.kind)));
}

export const CSV_HEADER = [
  'type', 'cqc_id', 'name', 'service_kinds', 'host_council', 'placed_from_here', 'band', 'likelihood', 'impact',
  'monitoring_level', 'band_since', 'previous_band', 'open_episode_id', 'open_episode_tier', 'top_reasons',
] as const;

/** The rows as CSV records (text only; the handler's one CSV call site turns them into a file). */
export function councilCsvRecords(rows: readonly ServiceRow[]): string[][] {
  return [
    [...CSV_HEADER],
    ...rows.map((r) => [
      r.type, r.id, r.name, r.serviceKinds.join(' '), r.hostCouncil, r.placedFromHere ? 'yes' : 'no', r.band ?? '', r.likelihood === null ? '' : String(r.likelihood),
      r.impact ?? '', r.monitoringLevel ?? '', r.bandSince ?? '', r.previousBand ?? '', r.episode?.id ?? '', r.episode?.tier ?? '', r.reasons.join('; '),
    ]),
  ];
}

const KIND_LABEL: Record<ServiceKind, string> = {
  'nursing-home': 'Nursing home',
  'residential-home': 'Residential home',
  'home-care': 'Home care',
  'community-other': 'Community (other)',
};

export const serviceKindLabel = (kind: ServiceKind): string => KIND_LABEL[kind];

const query = (filters: CouncilFilters) => {
  const q = new URLSearchParams();
  if (filters.band) q.set('band', filters.band);
  if (filters.kind) q.set('kind', filters.kind);
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
};

export interface CouncilPageInput {
  council: Council;
  viewer: Viewer;
  asOf: string;
  rows: readonly ServiceRow[];
  filters: CouncilFilters;
}

function rowMarkup(r: ServiceRow) {
  const href = `/${r.type}s/${r.id}`;
  const since = r.bandSince === null ? '' : `${r.bandSince}${r.previousBand ? ` (was ${r.previousBand})` : ''}`;
  return html`<tr data-band="${r.band ?? ''}" data-kinds="${r.serviceKinds.join(' ')}">
<th scope="row"><a href="${href}">${r.name}</a>${r.placedFromHere ? html` <small>(placed from here)</small>` : ''}</th>
<td data-label="Kind">${r.type === 'provider' ? 'Provider' : serviceKindLabel(r.serviceKinds[0]!)}</td><td data-label="Host council">${r.hostCouncil}</td>
<td data-label="Band" data-sort="${r.band === null ? 0 : BANDS.indexOf(r.band) + 1}">${bandBadge(r.band)}</td><td data-label="Likelihood" class="num">${r.likelihood ?? ''}</td><td data-label="Impact">${r.impact ?? ''}</td><td data-label="Monitoring">${r.monitoringLevel ?? ''}</td>
<td data-label="Top reasons">${r.reasons.length === 0 ? '' : html`<ul>${r.reasons.map((reason) => html`<li>${reason}</li>`)}</ul>`}</td>
<td data-label="Band since" data-sort="${r.bandSince ?? ''}">${since}</td><td data-label="Open episode">${r.episode ? html`<span title="opened ${r.episode.openedOn}">${r.episode.id} (${r.episode.tier})</span>` : 'none'}</td></tr>`;
}

/** On a phone each service is a card: its name, then each figure labelled, so band and reasons need no sideways scroll. */
const COUNCIL_CSS = `#services ul{margin:0;padding-left:1rem}
@media (max-width:600px){#services thead{position:absolute;left:-9999px}#services,#services tbody,#services tr,#services th,#services td{display:block;width:100%}
#services tr{border:1px solid #b1b4b6;margin-bottom:.75rem}#services th,#services td{border:0;border-top:1px solid #e4e4e4}
#services td{display:flex;gap:.5rem;text-align:left}#services td::before{content:attr(data-label);font-weight:600;min-width:6.5rem;flex:none}#services caption{display:block;width:auto}}
`;

export function renderCouncilPage(input: CouncilPageInput): string {
  const { council, filters } = input;
  const option = (value: string, label: string, selected: string) => html`<option value="${value}"${raw(value === selected ? ' selected' : '')}>${label}</option>`;
  const red = input.rows.filter((r) => r.band === 'Red').length;
  const body = html`<section class="council">
<h1>${council.name}</h1>
<p class="meta">${council.gss} · ${council.region} · as of <time datetime="${input.asOf}">${formatDate(input.asOf)}</time> · ${input.rows.length} shown, ${red} Red</p>
<form class="controls auto-submit" method="get" action="/councils/${council.gss}" aria-label="Filters">
<label>Band<select name="band" id="band">${option('', 'All bands', filters.band)}${[...BANDS].reverse().map((b) => option(b, b, filters.band))}</select></label>
<label>Service kind<select name="kind" id="kind">${option('', 'All kinds', filters.kind)}${SERVICE_KINDS.map((k) => option(k, KIND_LABEL[k], filters.kind))}</select></label>
<button type="submit">Filter</button>
<a class="no-print" id="csv" href="/councils/${council.gss}.csv${query(filters)}" download>Download CSV</a>
</form>
<div class="table-wrap"><table class="sortable" id="services">
<caption>Providers, then locations: in ${council.name} or placed from it</caption>
<thead><tr>${sortableHeading('Name')}${sortableHeading('Kind')}${sortableHeading('Host council')}${sortableHeading('Band', true)}${sortableHeading('Likelihood', true)}${sortableHeading('Impact')}${sortableHeading('Monitoring')}<th scope="col">Top reasons</th>${sortableHeading('Band since')}${sortableHeading('Open episode')}</tr></thead>
<tbody>
${input.rows.map(rowMarkup)}
</tbody></table></div>
${input.rows.length === 0 ? html`<p>No services match.</p>` : ''}
</section>`;
  return layout({ title: council.name, viewer: input.viewer, body, css: COUNCIL_CSS });
}
