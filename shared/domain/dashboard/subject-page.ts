// A location's, provider's or group's page: its band now and since when, the band over time from stored
// assessments, the timeline of signals and escalations behind it, what it is part of or made of, and a
// link to its CQC page.
import type { RiskAssessment } from '../model.js';
import type { Viewer } from './access.js';
import { type BandRun, bandChart } from './history.js';
import { bandBadge, formatDate, html, layout, type Markup, raw } from './layout.js';
import { EVENT_KIND_LABELS, EVENT_KINDS, type EventKind, type TimelineEvent } from './timeline.js';

export interface RelatedItem {
  href: string | null;
  name: string;
  band?: string | null;
  detail?: string;
}

export interface SubjectPageInput {
  viewer: Viewer;
  asOf: string;
  type: 'location' | 'provider' | 'group';
  id: string;
  name: string;
  /** Label and value pairs shown under the name. */
  facts: readonly [string, string][];
  latest: RiskAssessment | undefined;
  run: BandRun | undefined;
  reasons: readonly string[];
  /** Oldest first. */
  history: readonly RiskAssessment[];
  /** Newest first, already filtered to what the viewer may read. */
  events: readonly TimelineEvent[];
  /** '' for every kind. */
  eventKind: EventKind | '';
  related: readonly { heading: string; items: readonly RelatedItem[] }[];
  cqcUrl: string | null;
  /** Said when some of the subject's parts or signals are outside the viewer's access. */
  partial?: string;
}

const TYPE_LABEL = { location: 'Location', provider: 'Provider', group: 'Group' } as const;

export const cqcPage = (type: 'location' | 'provider', id: string) => `https://www.cqc.org.uk/${type}/${encodeURIComponent(id)}`;

function related(section: SubjectPageInput['related'][number]): Markup {
  return html`<h2>${section.heading}</h2>${section.items.length === 0 ? html`<p>None you may see.</p>` : html`<ul>${section.items.map(
    (item) => html`<li>${item.href ? html`<a href="${item.href}">${item.name}</a>` : item.name}${item.band !== undefined ? html` ${bandBadge(item.band)}` : ''}${item.detail ? html` <small>${item.detail}</small>` : ''}</li>`,
  )}</ul>`}`;
}

function historyTable(history: readonly RiskAssessment[]): Markup {
  return html`<details><summary>The assessments as a table</summary><div class="table-wrap"><table><thead><tr><th scope="col">As of</th><th scope="col">Band</th><th scope="col" class="num">Likelihood</th><th scope="col">Impact</th><th scope="col">Monitoring</th><th scope="col">Model</th></tr></thead><tbody>${[...history].reverse().map(
    (a) => html`<tr><td>${a.asOf}</td><td>${bandBadge(a.band)}</td><td class="num">${Math.round(a.likelihood)}</td><td>${a.impact}</td><td>${a.monitoringLevel}</td><td>${a.modelVersion}</td></tr>`,
  )}</tbody></table></div></details>`;
}

function timeline(input: SubjectPageInput): Markup {
  const option = (value: string, label: string) => html`<option value="${value}"${raw(value === input.eventKind ? ' selected' : '')}>${label}</option>`;
  const shown = input.eventKind === '' ? input.events : input.events.filter((e) => e.kind === input.eventKind);
  return html`<h2 id="timeline">What lies behind it</h2>
<form class="controls auto-submit" method="get" action="/${input.type}s/${input.id}#timeline" aria-label="Timeline filter">
<label>Show<select name="events" id="events">${option('', 'Every kind of event')}${EVENT_KINDS.map((k) => option(k, EVENT_KIND_LABELS[k]))}</select></label><button type="submit">Show</button></form>
${shown.length === 0 ? html`<p>No events to show.</p>` : html`<ol class="timeline">${shown.map(
    (e) => html`<li data-kind="${e.kind}"><time datetime="${e.on}">${e.on}</time>${e.about ? html`<strong>${e.about}:</strong> ` : ''}${e.text}</li>`,
  )}</ol>`}`;
}

export function renderSubjectPage(input: SubjectPageInput): string {
  const { latest, run } = input;
  const summary = latest
    ? html`<p class="now">${bandBadge(latest.band)} since ${run?.since ?? latest.asOf}${run?.previous ? ` (was ${run.previous})` : ''} · likelihood ${Math.round(latest.likelihood)} · impact ${latest.impact} · ${latest.monitoringLevel} monitoring</p>`
    : html`<p class="now">Not assessed.</p>`;
  const body = html`<h1>${input.name}</h1>
<p class="meta">${TYPE_LABEL[input.type]} ${input.id} · as of <time datetime="${input.asOf}">${formatDate(input.asOf)}</time>${input.cqcUrl ? html` · <a href="${input.cqcUrl}" rel="external">CQC page</a>` : ''}</p>
${summary}
<dl class="facts">${input.facts.map(([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`)}</dl>
${input.reasons.length > 0 ? html`<h2>Top reasons</h2><ul id="reasons">${input.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : ''}
${input.partial ? html`<p class="notice">${input.partial}</p>` : ''}
<h2>Band over time</h2>
<div class="chart-wrap">${bandChart(input.history)}</div>
${historyTable(input.history)}
${input.related.map(related)}
${timeline(input)}`;
  const css = `.chart{width:100%;max-width:640px;height:auto;font-size:10px}.facts{display:flex;flex-wrap:wrap;gap:.25rem 1.5rem;margin:.5rem 0}.facts dt{font-weight:600;font-size:.8125rem;color:#505a5f}.facts dd{margin:0}.now{font-size:1.05rem}`;
  return layout({ title: input.name, viewer: input.viewer, body, css });
}
