// The map page: 153 council hexes, each labelled with a short code and its value for the chosen metric,
// a region filter that dims (and takes out of the tab order) the other regions' hexes, a colour-blind safe
// legend, and the same figures in sortable tables. Metric and region are query parameters, so the page
// works without script; the script only submits the form on change and shows a hex's figures on focus.
import { getBoundarySegmentsForHexJSON, type HexJsonInput, renderHexJSON } from 'd3-hexjson';
import { ADASS_REGIONS, type AdassRegion } from '../model.js';
import { mayOpenCouncil, type Viewer } from './access.js';
import { type AggregateCell, type AggregateView, FEWER_THAN_5, type MetricId } from './aggregate.js';
import { formatDate, html, INK, layout, type Markup, PALETTE, raw, sortableHeading } from './layout.js';
import { shortCodeOf } from './short-codes.js';

const WIDTH = 620;
const HEIGHT = 600;

interface MetricSpec {
  id: MetricId;
  label: string;
  /** Short column heading. */
  heading: string;
  /** Lower bounds of the upper four classes, fixed so a colour means the same every month. */
  breaks: readonly [number, number, number, number];
  bound: (value: number) => string;
}

const pct = (value: number) => `${Math.round(value * 100)}%`;
const plain = (value: number) => String(value);

export const METRICS: readonly MetricSpec[] = [
  { id: 'red-locations', label: 'Red-band locations', heading: 'Red locations', breaks: [1, 2, 4, 8], bound: plain },
  { id: 'red-beds', label: 'Share of beds at Red locations', heading: 'Red beds', breaks: [0.02, 0.05, 0.1, 0.2], bound: pct },
  { id: 'poorly-rated', label: 'Share of rated beds rated Requires improvement or Inadequate', heading: 'Poorly rated beds', breaks: [0.1, 0.2, 0.3, 0.4], bound: pct },
  { id: 'absorption', label: 'Beds at Red providers per admittable vacancy', heading: 'Red beds per vacancy', breaks: [0.25, 0.5, 1, 2], bound: plain },
  { id: 'concerns', label: 'Safeguarding concerns (12 months)', heading: 'Concerns', breaks: [5, 10, 20, 40], bound: plain },
  { id: 'concerns-rate', label: 'Safeguarding concerns per 100 care home beds (12 months)', heading: 'Concerns per 100 beds', breaks: [2, 5, 10, 20], bound: plain },
  { id: 'stale', label: 'Share of care homes with stale capacity returns', heading: 'Stale returns', breaks: [0.05, 0.1, 0.2, 0.4], bound: pct },
];

export const metricById = (id: string): MetricSpec | undefined => METRICS.find((m) => m.id === id);

function classOf(metric: MetricSpec, cell: AggregateCell | undefined): string {
  const figure = cell?.figures[metric.id];
  if (!figure || figure.value === null) return figure?.suppressed ? 'withheld' : 'none';
  return String(metric.breaks.filter((bound) => figure.value! >= bound).length);
}

function legend(metric: MetricSpec): Markup {
  const bounds = metric.breaks.map(metric.bound);
  const labels = PALETTE.map((_, i) => (i === 0 ? `under ${bounds[0]}` : i === bounds.length ? `${bounds[i - 1]} or more` : `${bounds[i - 1]} to under ${bounds[i]}`));
  return html`<ul class="legend" aria-label="Legend: ${metric.label}">
${labels.map((label, i) => html`<li><span class="swatch" style="background:${PALETTE[i]}"></span>${label}</li>`)}
<li><span class="swatch swatch-none"></span>No data</li>
<li><span class="swatch swatch-withheld"></span>${FEWER_THAN_5} (withheld)</li>
</ul>`;
}

export interface MapPageInput {
  view: AggregateView;
  viewer: Viewer;
  metric: MetricId;
  /** '' for all regions. */
  region: AdassRegion | '';
  hexjson: HexJsonInput;
}

const councilHref = (viewer: Viewer, gss: string) => (mayOpenCouncil(viewer, gss) ? `/councils/${gss}` : `#council-${gss}`);

function hexMap(input: MapPageInput, metric: MetricSpec, councils: ReadonlyMap<string, AggregateCell>): Markup {
  const withRegions = {
    layout: input.hexjson.layout,
    hexes: Object.fromEntries(Object.entries(input.hexjson.hexes).map(([key, hex]) => [key, { q: hex.q, r: hex.r, region: councils.get(key)?.area.region ?? '' }])),
  };
  const hexes = renderHexJSON(withRegions, WIDTH, HEIGHT).map((hex) => {
    const cell = councils.get(hex.key);
    const name = cell?.area.name ?? hex.key;
    const figure = cell?.figures[metric.id];
    const value = figure ? (figure.suppressed ? '<5' : figure.text) : '–';
    const dim = input.region !== '' && cell?.area.region !== input.region;
    const cls = classOf(metric, cell);
    const ink = /^\d$/.test(cls) ? INK[Number(cls)] : '#000';
    const said = `${name} (${shortCodeOf(hex.key)}): ${metric.label} ${figure?.text ?? 'no data'}`;
    return html`<a class="hex${dim ? ' dim' : ''}" href="${councilHref(input.viewer, hex.key)}" data-code="${hex.key}" data-class="${cls}" aria-label="${said}"${raw(dim ? ' tabindex="-1"' : '')} transform="translate(${hex.x.toFixed(1)} ${hex.y.toFixed(1)})"><title>${said}</title><polygon points="${hex.points}"/><text y="-2" fill="${ink}" class="code">${shortCodeOf(hex.key)}</text><text y="9" fill="${ink}" class="value">${value}</text></a>`;
  });
  const boundaries = getBoundarySegmentsForHexJSON(withRegions, WIDTH, HEIGHT, 'region')
    .map((s) => `M${s.x1.toFixed(1)} ${s.y1.toFixed(1)}L${s.x2.toFixed(1)} ${s.y2.toFixed(1)}`)
    .join('');
  return html`<svg id="map" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="group" aria-labelledby="map-title">
<title id="map-title">Hex map of England's ${hexes.length} councils; each hex is one council, labelled with a short code and its value</title>
<defs><pattern id="p-none" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e4e4e4"/><path d="M0 0V6" stroke="#b1b4b6" stroke-width="2"/></pattern>
<pattern id="p-withheld" patternUnits="userSpaceOnUse" width="6" height="6"><rect width="6" height="6" fill="#f3f2f1"/><circle cx="3" cy="3" r="1.3" fill="#505a5f"/></pattern></defs>
${hexes}
<path class="boundaries" d="${boundaries}" aria-hidden="true"/>
</svg>`;
}

function councilTable(input: MapPageInput, cells: readonly AggregateCell[]): Markup {
  const rows = cells.map((cell) => {
    const gss = cell.area.code;
    const name = mayOpenCouncil(input.viewer, gss) ? html`<a href="/councils/${gss}">${cell.area.name}</a>` : html`${cell.area.name}`;
    const figures = METRICS.map((m) => {
      const f = cell.figures[m.id];
      return html`<td class="num${f.suppressed ? ' suppressed' : ''}" data-sort="${f.value === null ? '' : f.value === Infinity ? '1e9' : f.value}">${f.text}</td>`;
    });
    return html`<tr id="council-${gss}"><th scope="row">${name}</th><td>${shortCodeOf(gss)}</td><td>${cell.area.region ?? ''}</td><td class="num">${cell.locations}</td><td class="num">${cell.beds}</td>${figures}</tr>`;
  });
  return html`<div class="table-wrap"><table class="sortable" id="councils">
<caption>Councils${input.region === '' ? '' : ` in ${input.region}`} as of ${formatDate(input.view.asOf)}: press a column heading to sort</caption>
<thead><tr>${sortableHeading('Council')}${sortableHeading('Code')}${sortableHeading('Region')}${sortableHeading('Locations', true)}${sortableHeading('Beds', true)}${METRICS.map((m) => sortableHeading(m.heading, true))}</tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

function areaTable(cells: readonly AggregateCell[]): Markup {
  const rows = cells.map(
    (cell) => html`<tr><th scope="row">${cell.area.name}</th><td class="num">${cell.locations}</td><td class="num">${cell.beds}</td>${METRICS.map((m) => html`<td class="num${cell.figures[m.id].suppressed ? ' suppressed' : ''}">${cell.figures[m.id].text}</td>`)}</tr>`,
  );
  return html`<div class="table-wrap"><table id="regions"><caption>ADASS regions and England</caption>
<thead><tr><th scope="col">Area</th><th scope="col" class="num">Locations</th><th scope="col" class="num">Beds</th>${METRICS.map((m) => html`<th scope="col" class="num">${m.heading}</th>`)}</tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

const MAP_CSS = `.map-layout{display:grid;grid-template-columns:minmax(0,680px) minmax(220px,1fr);gap:1rem;align-items:start}
@media (max-width:800px){.map-layout{grid-template-columns:1fr}.map-layout aside{order:-1}}
#map{width:100%;height:auto;display:block}
.hex polygon{stroke:#fff;stroke-width:1}
.hex text{font-size:8.5px;text-anchor:middle;pointer-events:none;font-family:system-ui,Arial,sans-serif}
.hex text.code{font-weight:700}
.hex.dim{opacity:.25}
.hex:focus{outline:none}
.hex:focus-visible polygon,.hex:hover polygon{stroke:#0b0c0c;stroke-width:3;paint-order:stroke}
.hex:focus-visible{filter:drop-shadow(0 0 0 #ffdd00) drop-shadow(0 0 2px #ffdd00) drop-shadow(0 0 2px #ffdd00)}
.boundaries{fill:none;stroke:#0b0c0c;stroke-width:1.5;pointer-events:none}
${PALETTE.map((colour, i) => `.hex[data-class="${i}"] polygon{fill:${colour}}`).join('\n')}
.hex[data-class="none"] polygon{fill:url(#p-none)}.hex[data-class="withheld"] polygon{fill:url(#p-withheld)}
.legend{display:flex;flex-wrap:wrap;gap:.25rem .75rem;list-style:none;padding:0;margin:.5rem 0}
.legend li{display:flex;align-items:center;gap:.35rem;font-size:.875rem}
.swatch{display:inline-block;width:1.4rem;height:.9rem;border:1px solid #505a5f}
.swatch-none{background:repeating-linear-gradient(45deg,#e4e4e4 0 3px,#b1b4b6 3px 5px)}
.swatch-withheld{background:radial-gradient(circle,#505a5f 1.2px,#f3f2f1 1.4px) 0 0/6px 6px}
#details{border-left:4px solid #21918c;padding:.5rem .75rem;background:#f3f2f1;min-height:3.5rem}`;

const MAP_SCRIPT = `
const details = document.getElementById('details');
const show = (event) => { const hex = event.target.closest && event.target.closest('.hex'); if (hex) details.textContent = hex.getAttribute('aria-label'); };
document.getElementById('map').addEventListener('focusin', show);
document.getElementById('map').addEventListener('mouseover', show);`;

export function renderMapPage(input: MapPageInput): string {
  const metric = metricById(input.metric) ?? METRICS[0]!;
  const councils = input.view.cells.filter((c) => c.area.level === 'council');
  const byCode = new Map(councils.map((c) => [c.area.code, c]));
  const shown = input.region === '' ? councils : councils.filter((c) => c.area.region === input.region);
  const option = (value: string, label: string, selected: string) => html`<option value="${value}"${raw(value === selected ? ' selected' : '')}>${label}</option>`;
  const body = html`<h1>Care market map: England</h1>
<p class="meta">As of <time datetime="${input.view.asOf}">${formatDate(input.view.asOf)}</time> · risk model ${input.view.modelVersion} · safeguarding counts of 1 to 4 read "${FEWER_THAN_5}" outside your own council</p>
<form class="controls auto-submit" method="get" action="/" aria-label="Map options">
<label>Colour councils by<select name="metric" id="metric">${METRICS.map((m) => option(m.id, m.label, metric.id))}</select></label>
<label>ADASS region<select name="region" id="region">${option('', 'All regions', input.region)}${ADASS_REGIONS.map((r) => option(r, r, input.region))}</select></label>
<button type="submit">Show</button>
</form>
<div class="map-layout">
<div>${hexMap(input, metric, byCode)}</div>
<aside>${legend(metric)}<div id="details" aria-live="polite">Tab to or point at a council to see its figure; select it to open it.</div></aside>
</div>
<h2>Councils</h2>
${councilTable(input, shown)}
<h2>Regions and England</h2>
${areaTable(input.view.cells.filter((c) => c.area.level !== 'council'))}`;
  return layout({ title: 'Map', viewer: input.viewer, body, css: MAP_CSS, script: MAP_SCRIPT });
}

export const isRegion = (value: string): value is AdassRegion => (ADASS_REGIONS as readonly string[]).includes(value);
