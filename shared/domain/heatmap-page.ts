// The heat map as one self-contained HTML page: opened from a file or S3, so nothing may load from elsewhere.
import { getBoundarySegmentsForHexJSON, renderHexJSON } from 'd3-hexjson';
import * as z from 'zod/mini';
import { COUNCIL_CODES } from './council-codes.js';
import { type HeatMap, type HeatMapCell, type SafeguardingCount, TREND_MIN_CONCERNS_CHANGE, TREND_MIN_RELATIVE_CHANGE } from './heatmap.js';
import { boundPercent, classOf, countText, decimal, legendLabels, METRICS, n, PALETTE } from './heatmap-metrics.js';
import { SCRIPT, styles } from './heatmap-page-assets.js';
import { STALE_RETURN_MONTHS } from './market-facts.js';
import { ADASS_REGIONS } from './model.js';

const HexJson = z.object({
  layout: z.enum(['odd-r', 'even-r', 'odd-q', 'even-q']),
  hexes: z.record(z.string(), z.object({ q: z.int(), r: z.int(), n: z.optional(z.string()) })),
});
type HexJson = z.infer<typeof HexJson>;
type RegionHexJson = { layout: HexJson['layout']; hexes: Record<string, { q: number; r: number; region: string }> };

const MAP_WIDTH = 620;
const MAP_HEIGHT = 560;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Inside <script>, only `<` can end the element or open a comment; \u003c keeps the JSON valid and inert. */
const scriptSafeJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

function figureLines(cell: HeatMapCell): string[] {
  const region = cell.area.region && cell.area.level === 'council' ? ` (${cell.area.region})` : '';
  return [
    `${cell.area.name}${region}`,
    `${n(cell.locations)} locations, ${n(cell.beds)} beds, ` +
      `${n(cell.providers)} providers (${n(cell.sharedProviders)} also in other councils)`,
    ...METRICS.map((metric) => `${metric.label}: ${metric.describe(cell)}`),
    deregistrationLine(cell),
  ];
}

/** A change of owner or a move is not a closure: the two are told apart wherever deregistrations are counted. */
function deregistrationLine({ deregistrations: d }: HeatMapCell): string {
  return (
    `Registrations cancelled (12 months): ${n(d.closures)} closures; ${n(d.ownershipChanges)} changes of owner, ` +
    `${n(d.moves)} moves and ${n(d.otherSuccessions)} other transfers, each continuing under a new registration`
  );
}

/** The hex's label: its council's short code over the value of each metric (CSS shows the chosen one). */
function hexLabel(code: string, cell: HeatMapCell | undefined): string {
  const values = METRICS.map((metric) => `<tspan class="value" data-metric="${metric.id}">${escapeHtml(cell ? metric.short(cell) : '–')}</tspan>`).join('');
  return `<text class="code" y="-1.5">${escapeHtml(code)}</text><text y="6.5">${values}</text>`;
}

function mapSvg(heatMap: HeatMap, hexjson: HexJson): string {
  const councils = new Map(heatMap.cells.filter((c) => c.area.level === 'council').map((c) => [c.area.code, c]));
  const withRegions: RegionHexJson = {
    layout: hexjson.layout,
    hexes: Object.fromEntries(
      Object.entries(hexjson.hexes).map(([key, hex]) => [
        key,
        { q: hex.q, r: hex.r, region: councils.get(key)?.area.region ?? '' },
      ]),
    ),
  };
  const hexes = renderHexJSON(withRegions, MAP_WIDTH, MAP_HEIGHT).map((hex) => {
    const cell = councils.get(hex.key);
    const code = COUNCIL_CODES.get(hex.key) ?? hex.key;
    const lines = cell ? figureLines(cell) : [`${hexjson.hexes[hex.key]?.n ?? hex.key}: no data`];
    const classes = METRICS.map((metric) => ` data-${metric.id}="${classOf(metric, cell)}"`).join('');
    const region = cell?.area.region ? ` data-region="${escapeHtml(cell.area.region)}"` : '';
    // Two rings inside the hex, dark then light, so the focused council stands out on every fill.
    return (
      `<g class="hex" transform="translate(${hex.x.toFixed(2)} ${hex.y.toFixed(2)})" tabindex="0" role="img"` +
      ` data-code="${escapeHtml(code)}" aria-label="${escapeHtml(lines.join('. '))}"${region}${classes}>` +
      `<title>${escapeHtml(lines.join('\n'))}</title><polygon class="fill" points="${hex.points}"/>` +
      `<polygon class="ring outer" points="${hex.points}" transform="scale(0.86)"/>` +
      `<polygon class="ring inner" points="${hex.points}" transform="scale(0.7)"/>` +
      `${hexLabel(code, cell)}</g>`
    );
  });
  const boundaries = getBoundarySegmentsForHexJSON(withRegions, MAP_WIDTH, MAP_HEIGHT, 'region')
    .map((s) => `M${s.x1.toFixed(2)} ${s.y1.toFixed(2)}L${s.x2.toFixed(2)} ${s.y2.toFixed(2)}`)
    .join('');
  // Chromium would otherwise stop on the <svg> itself between the controls and the first hex.
  return `<svg id="map" tabindex="-1" viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}" role="group" aria-labelledby="map-title">
<title id="map-title">Hex map of England's ${hexes.length} councils with adult social care duties; each hex is one council, labelled with a short code and the chosen figure. Use Tab to move between councils.</title>
<defs><pattern id="no-data" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#d4d4d4"/><path d="M0 0V6" stroke="#a3a3a3" stroke-width="2"/></pattern></defs>
${hexes.join('\n')}
<path class="boundaries" d="${boundaries}" aria-hidden="true"/>
</svg>`;
}

function legends(): string {
  return METRICS.map((metric) => {
    const items = legendLabels(metric).map(
      (label, i) => `<li><span class="swatch" style="background:${PALETTE[i]}"></span>${escapeHtml(label)}</li>`,
    );
    return `<ul class="legend" data-legend="${metric.id}" aria-label="Legend: ${escapeHtml(metric.label)}">
${items.join('\n')}
<li><span class="swatch no-data"></span>No data</li>
</ul>`;
  }).join('\n');
}

interface Figure {
  text: string;
  /** What the column sorts by: a number, or '' for a withheld or missing figure (sorted last). */
  sort: number | '';
}
interface Column {
  heading: string;
  type: 'text' | 'number';
  figure: (cell: HeatMapCell) => Figure | string;
}

const share = (value: number | null): Figure => (value === null ? { text: '–', sort: '' } : { text: decimal.format(value * 100), sort: value * 100 });
const count = (value: number): Figure => ({ text: n(value), sort: value });
/** "fewer than 5" sorts as the middle of 1 to 4; "withheld" (5 or more, unknown) last. */
const safeguardingCount = (value: SafeguardingCount): Figure =>
  typeof value === 'number' ? count(value) : { text: countText(value), sort: value.display === 'fewer than 5' ? 2.5 : '' };

const COLUMNS: readonly Column[] = [
  { heading: 'Locations', type: 'number', figure: (c) => count(c.locations) },
  { heading: 'Beds', type: 'number', figure: (c) => count(c.beds) },
  { heading: 'Providers', type: 'number', figure: (c) => count(c.providers) },
  { heading: 'Beds at Red locations (%)', type: 'number', figure: (c) => share(c.redBeds.share) },
  { heading: 'Rated beds rated RI or Inadequate (%)', type: 'number', figure: (c) => share(c.poorlyRatedBeds.overall.share) },
  {
    heading: 'Beds at Red providers per admittable vacancy',
    type: 'number',
    figure: ({ absorption: a }) =>
      a.ratio !== null ? { text: decimal.format(a.ratio), sort: a.ratio } : a.exceedsVacancies ? { text: 'no vacancies', sort: Number.MAX_VALUE } : { text: '–', sort: '' },
  },
  {
    heading: 'Safeguarding concerns per 100 care home beds',
    type: 'number',
    figure: ({ safeguarding: s }) =>
      s.per100BedsLast12Months !== null
        ? { text: decimal.format(s.per100BedsLast12Months), sort: s.per100BedsLast12Months }
        : { text: typeof s.careHomeConcernsLast12Months === 'number' ? '–' : 'withheld', sort: '' },
  },
  { heading: 'Safeguarding concerns, all services (12 months)', type: 'number', figure: (c) => safeguardingCount(c.safeguarding.concernsLast12Months) },
  { heading: 'Section 42 enquiries (12 months)', type: 'number', figure: (c) => safeguardingCount(c.safeguarding.section42EnquiriesLast12Months) },
  { heading: 'Concerns trend', type: 'text', figure: (c) => c.safeguarding.trend ?? 'withheld' },
  { heading: 'Care homes with stale returns (%)', type: 'number', figure: (c) => share(c.staleReturns.share) },
];

function figureCells(cell: HeatMapCell): string {
  return COLUMNS.map((column) => {
    const figure = column.figure(cell);
    if (typeof figure === 'string') return `<td>${escapeHtml(figure)}</td>`;
    return `<td class="num" data-sort="${figure.sort}">${escapeHtml(figure.text)}</td>`;
  }).join('');
}

/** Every council's figures in numbers; each heading is a button that sorts by it (aria-sort says how). */
function councilTable(heatMap: HeatMap, asOfText: string): string {
  const headings = [
    { heading: 'Code', type: 'text' },
    { heading: 'Council', type: 'text' },
    { heading: 'ADASS region', type: 'text' },
    ...COLUMNS,
  ];
  const rows = heatMap.cells
    .filter((cell) => cell.area.level === 'council')
    .map((cell) => {
      const code = COUNCIL_CODES.get(cell.area.code) ?? cell.area.code;
      return (
        `<tr data-region="${escapeHtml(cell.area.region ?? '')}"><td>${escapeHtml(code)}</td><th scope="row">${escapeHtml(cell.area.name)}</th>` +
        `<td>${escapeHtml(cell.area.region ?? '')}</td>${figureCells(cell)}</tr>`
      );
    });
  return `<div class="table-wrap"><table id="councils">
<caption>Councils, as of ${escapeHtml(asOfText)}: select a heading to sort by it</caption>
<thead><tr>${headings.map((h) => `<th scope="col" data-type="${h.type}"><button type="button">${escapeHtml(h.heading)}</button></th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>`;
}

function summaryTable(heatMap: HeatMap, asOfText: string): string {
  const rows = heatMap.cells
    .filter((cell) => cell.area.level !== 'council')
    .map((cell) => {
      const region = cell.area.level === 'region' ? ` data-region="${escapeHtml(cell.area.code)}"` : '';
      return `<tr${region}><th scope="row">${escapeHtml(cell.area.name)}</th>${figureCells(cell)}</tr>`;
    });
  const headings = ['Area', ...COLUMNS.map((column) => column.heading)];
  return `<div class="table-wrap"><table id="regions">
<caption>ADASS regions and England, as of ${escapeHtml(asOfText)}</caption>
<thead><tr>${headings.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>`;
}

function formatDate(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
}

export function renderHeatMapPage(heatMap: HeatMap, hexjson: unknown): string {
  const asOfText = formatDate(heatMap.asOf);
  const [defaultMetric] = METRICS;
  const metricOptions = METRICS.map((m) => `<option value="${m.id}">${escapeHtml(m.label)}</option>`).join('');
  const regionOptions = ADASS_REGIONS.map((r) => `<option value="${escapeHtml(r)}">${escapeHtml(r)}</option>`).join('');
  const trendPct = boundPercent.format(TREND_MIN_RELATIVE_CHANGE);
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Care market heat map, England, as of ${escapeHtml(asOfText)}</title>
<style>
${styles()}
</style>
</head>
<body>
<header>
<h1>Care market heat map: England</h1>
<p>As of <time datetime="${escapeHtml(heatMap.asOf)}">${escapeHtml(asOfText)}</time> · risk model version ${escapeHtml(heatMap.modelVersion)}</p>
<p>Figures are counts and shares for each council area; no person is named or identifiable. Safeguarding counts from 1 to 4 read "fewer than 5", and a count is "withheld" (5 or more) where a total would otherwise give a smaller one away.</p>
</header>
<main data-metric="${defaultMetric?.id ?? ''}" data-filter-region="">
<div class="controls" role="group" aria-label="Map options">
<label>Colour councils by<select id="metric">${metricOptions}</select></label>
<label>ADASS region<select id="region"><option value="">All regions</option>${regionOptions}</select></label>
<button type="button" id="download">Download figures (JSON)</button>
</div>
<div class="layout">
${mapSvg(heatMap, HexJson.parse(hexjson))}
<section class="panel" aria-label="Legend and council figures">
${legends()}
<div id="details" aria-live="polite">Tap, hover over or tab to a council to see its figures.</div>
</section>
</div>
${councilTable(heatMap, asOfText)}
${summaryTable(heatMap, asOfText)}
<details>
<summary>How the figures are worked out</summary>
<ul>
<li>Red locations: the location's own risk band. Red providers: the provider's band, applied to all its locations.</li>
<li>Rated beds: beds at locations whose latest CQC rating has an overall rating; unrated beds are left out of the share.</li>
<li>Admittable vacancies: vacancies declared in the latest Capacity Tracker return of care homes accepting admissions, leaving out homes of Red providers.</li>
<li>Safeguarding concerns: those described in the 12 months to the as-of date, against the 12 months before. The trend is rising or falling when concerns changed by at least ${trendPct} and by at least ${TREND_MIN_CONCERNS_CHANGE}; otherwise steady.</li>
<li>Stale returns: care homes whose latest Capacity Tracker return is ${STALE_RETURN_MONTHS} or more months behind the as-of month, or that never sent one.</li>
<li>Grey hatched hexes have nothing to divide by (for example, no care homes), or a withheld figure: a rate or trend from a withheld count is withheld too.</li>
<li>Colours: viridis, light (low) to dark (high), readable with any common colour-vision deficiency and in greyscale; each hex is labelled with its council's short code and value, as in the councils table.</li>
</ul>
</details>
</main>
<footer>
<p>Hex layout derived from the Open Innovations (ODI Leeds) hexmaps, MIT licence, Copyright © 2017- Open Innovations.</p>
<p>Contains CQC data © Care Quality Commission, Open Government Licence v3.0.</p>
<p>Contains ONS codes, Open Government Licence v3.0.</p>
</footer>
<script type="application/json" id="heatmap-data" data-filename="heatmap-${escapeHtml(heatMap.asOf)}.json">${scriptSafeJson(heatMap)}</script>
<script>
${SCRIPT}
</script>
</body>
</html>
`;
}
