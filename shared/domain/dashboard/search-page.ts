// Search by name, CQC id or company number, over the services the viewer may see; and the page a refused
// or unknown request gets.
import type { Group, Location, Provider } from '../model.js';
import type { Viewer } from './access.js';
import { html, layout } from './layout.js';

export interface SearchHit {
  type: 'location' | 'provider' | 'group';
  id: string;
  name: string;
  detail: string;
}

export const MAX_HITS = 50;

const normalise = (text: string) => text.trim().toLowerCase().replace(/\s+/g, ' ');

/** An exact CQC id or company number, or every word of the query in the name. */
export function matches(query: string, name: string, ids: readonly (string | null)[]): boolean {
  const q = normalise(query);
  if (q === '') return false;
  if (ids.some((id) => id !== null && id.toLowerCase() === q)) return true;
  const haystack = normalise(name);
  return q.split(' ').every((word) => haystack.includes(word));
}

export interface SearchInput {
  query: string;
  locations: readonly Location[];
  providers: readonly Provider[];
  groups: readonly Group[];
}

/** Providers and groups first (fewer, wider), then locations; at most MAX_HITS. */
export function search(input: SearchInput): SearchHit[] {
  const providerNames = new Map(input.providers.map((p) => [p.providerId, p.name]));
  const hits: SearchHit[] = [
    ...input.groups.filter((g) => matches(input.query, g.name, [g.groupId])).map((g) => ({ type: 'group' as const, id: g.groupId, name: g.name, detail: 'group' })),
    ...input.providers
      .filter((p) => matches(input.query, p.name, [p.providerId, p.companyNumber]))
      .map((p) => ({ type: 'provider' as const, id: p.providerId, name: p.name, detail: p.companyNumber ? `provider, company ${p.companyNumber}` : 'provider' })),
    ...input.locations
      .filter((l) => matches(input.query, l.name, [l.locationId]))
      .map((l) => ({ type: 'location' as const, id: l.locationId, name: l.name, detail: `location of ${providerNames.get(l.providerId) ?? l.providerId}` })),
  ];
  return hits.slice(0, MAX_HITS);
}

export function renderSearchPage(viewer: Viewer, query: string, hits: readonly SearchHit[]): string {
  const body = html`<h1>Search</h1>
<form class="controls" role="search" method="get" action="/search"><label>Name, CQC id or company number<input name="q" id="search-q" value="${query}"></label><button type="submit">Search</button></form>
${query.trim() === '' ? '' : html`<p id="hit-count">${hits.length === MAX_HITS ? `The first ${MAX_HITS}` : String(hits.length)} result${hits.length === 1 ? '' : 's'} for “${query}” among the services you may see.</p>
<ul id="hits">${hits.map((h) => html`<li><a href="/${h.type}s/${h.id}">${h.name}</a> <small>${h.id} · ${h.detail}</small></li>`)}</ul>`}`;
  return layout({ title: 'Search', viewer, body, query });
}

export function renderRefusal(viewer: Viewer, status: 403 | 404 | 400, message: string): string {
  const title = status === 403 ? 'Not available at your access' : status === 404 ? 'Not found' : 'Bad request';
  const body = html`<h1>${title}</h1><p id="refusal">${message}</p><p><a href="/">Back to the map</a></p>`;
  return layout({ title, viewer, body });
}
