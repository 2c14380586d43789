// The heat map as one self-contained HTML page: opened from a file or S3, so nothing may load from elsewhere.
import { getBoundarySegmentsForHexJSON, renderHexJSON } from 'd3-hexjson';
import * as z from 'zod/mini';
import {
  type HeatMap,
  type HeatMapCell,
  type SafeguardingCount,
  type Share,
  TREND_MIN_CONCERNS_CHANGE,
  TREND_MIN_RELATIVE_CHANGE,
} from './heatmap.js';
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

/** Viridis, light to dark: sequential, distinguishable with every common colour-vision deficiency and in greyscale. */
const PALETTE = ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'] as const;

interface MapMetric {
  id: string;
  /** The <select> option and table heading. */
  label: string;
  /** Null is no data (grey); Infinity sorts into the top class. */
  value: (cell: HeatMapCell) => number | null;
  /** Lower bounds of the upper four classes; fixed so a colour means the same thing every month. */
  breaks: readonly [number, number, number, number];
  formatBreak: (bound: number) => string;
  /** The figures behind the value, in words, for tooltips, screen readers and the table. */
  describe: (cell: HeatMapCell) => string;
}

const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const ratioFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = (share: number): string => `${decimal.format(share * 100)}%`;
/** Round thresholds read better without trailing zeros: "5%" rather than "5.0%". */
const boundPercent = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });
const n = (count: number): string => integer.format(count);

/** A safeguarding count as published: a number, or what a withheld count reads as ("fewer than 5", "withheld"). */
const countText = (count: SafeguardingCount): string => (typeof count === 'number' ? n(count) : count.display);

const describeShare = (share: Share, of: string): string =>
  share.share === null ? `no ${of}` : `${percent(share.share)} (${n(share.numerator)} of ${n(share.denominator)} ${of})`;

const METRICS: readonly MapMetric[] = [
  {
    id: 'red-beds',
    label: 'Share of beds at Red locations',
    value: (cell) => cell.redBeds.share,
    breaks: [0.02, 0.05, 0.1, 0.2],
    formatBreak: (bound) => boundPercent.format(bound),
    describe: (cell) => describeShare(cell.redBeds, 'beds'),
  },
  {
    id: 'poorly-rated',
    label: 'Share of rated beds rated Requires improvement or Inadequate',
    value: (cell) => cell.poorlyRatedBeds.overall.share,
    breaks: [0.1, 0.2, 0.3, 0.4],
    formatBreak: (bound) => boundPercent.format(bound),
    describe: (cell) => {
      const { overall, byKind, bySize } = cell.poorlyRatedBeds;
      if (overall.share === null) return describeShare(overall, 'rated beds');
      const part = (label: string, share: Share): string =>
        share.share === null ? '' : `, ${label} ${percent(share.share)} of ${n(share.denominator)}`;
      return (
        describeShare(overall, 'rated beds') +
        part('nursing', byKind['nursing-home']) +
        part('residential', byKind['residential-home']) +
        part('small', bySize.small) +
        part('medium', bySize.medium) +
        part('large', bySize.large)
      );
    },
  },
  {
    id: 'absorption',
    label: 'Beds at Red providers per admittable vacancy',
    // No vacancies at all to take in beds at Red providers is the worst case, not missing data.
    value: ({ absorption }) => absorption.ratio ?? (absorption.exceedsVacancies ? Infinity : null),
    breaks: [0.25, 0.5, 1, 2],
    formatBreak: (bound) => ratioFormat.format(bound),
    describe: ({ absorption }) =>
      `${n(absorption.bedsAtRedProviders)} beds at Red providers, ` +
      `${n(absorption.admittableVacancies)} admittable vacancies` +
      (absorption.ratio === null ? '' : ` (${ratioFormat.format(absorption.ratio)} per vacancy)`) +
      (absorption.exceedsVacancies ? ': more than the vacancies' : ''),
  },
  {
    id: 'concerns',
    label: 'Safeguarding concerns per 100 care home beds (12 months)',
    value: (cell) => cell.safeguarding.per100BedsLast12Months,
    breaks: [2, 5, 10, 20],
    formatBreak: (bound) => integer.format(bound),
    describe: ({ safeguarding: s }) => {
      const rate = (value: number | null, withheld: boolean) => (withheld ? 'withheld' : value === null ? 'no care home beds' : decimal.format(value));
      const last = rate(s.per100BedsLast12Months, s.suppressed.includes('per100BedsLast12Months'));
      const previous = rate(s.per100BedsPrevious12Months, s.suppressed.includes('per100BedsPrevious12Months'));
      return (
        `${last} per 100 care home beds (previous 12 months ${previous}); all services ${countText(s.concernsLast12Months)} concerns, ` +
        `previous 12 months ${countText(s.concernsPrevious12Months)}, trend ${s.trend ?? 'withheld'}; ` +
        `${countText(s.section42EnquiriesLast12Months)} section 42 enquiries`
      );
    },
  },
  {
    id: 'stale',
    label: 'Share of care homes with stale capacity returns',
    value: (cell) => cell.staleReturns.share,
    breaks: [0.05, 0.1, 0.2, 0.4],
    formatBreak: (bound) => boundPercent.format(bound),
    describe: (cell) => describeShare(cell.staleReturns, 'care homes'),
  },
];

function classOf(metric: MapMetric, cell: HeatMapCell | undefined): string {
  const value = cell ? metric.value(cell) : null;
  if (value === null) return 'none';
  return String(metric.breaks.filter((bound) => value >= bound).length);
}

function legendLabels(metric: MapMetric): string[] {
  const bounds = metric.breaks.map(metric.formatBreak);
  return PALETTE.map((_, i) => {
    if (i === 0) return `under ${bounds[0]}`;
    if (i === bounds.length) return `${bounds[i - 1]} or more`;
    return `${bounds[i - 1]} to under ${bounds[i]}`;
  });
}

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
    const lines = cell ? figureLines(cell) : [`${hexjson.hexes[hex.key]?.n ?? hex.key}: no data`];
    const classes = METRICS.map((metric) => ` data-${metric.id}="${classOf(metric, cell)}"`).join('');
    const region = cell?.area.region ? ` data-region="${escapeHtml(cell.area.region)}"` : '';
    return (
      `<g class="hex" transform="translate(${hex.x.toFixed(2)} ${hex.y.toFixed(2)})" tabindex="0" role="img"` +
      ` aria-label="${escapeHtml(lines.join('. '))}"${region}${classes}>` +
      `<title>${escapeHtml(lines.join('\n'))}</title><polygon points="${hex.points}"/></g>`
    );
  });
  const boundaries = getBoundarySegmentsForHexJSON(withRegions, MAP_WIDTH, MAP_HEIGHT, 'region')
    .map((s) => `M${s.x1.toFixed(2)} ${s.y1.toFixed(2)}L${s.x2.toFixed(2)} ${s.y2.toFixed(2)}`)
    .join('');
  return `<svg id="map" viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}" role="group" aria-labelledby="map-title">
<title id="map-title">Hex map of England's ${hexes.length} councils with adult social care duties; each hex is one council. Use Tab to move between councils.</title>
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

function summaryTable(heatMap: HeatMap, asOfText: string): string {
  const rows = heatMap.cells
    .filter((cell) => cell.area.level !== 'council')
    .map((cell) => {
      const region = cell.area.level === 'region' ? ` data-region="${escapeHtml(cell.area.code)}"` : '';
      const figures = [
        n(cell.locations),
        n(cell.beds),
        `${n(cell.providers)} (${n(cell.sharedProviders)} shared)`,
        ...METRICS.map((metric) => metric.describe(cell)),
      ];
      const tds = figures.map((f) => `<td>${escapeHtml(f)}</td>`).join('');
      return `<tr${region}><th scope="row">${escapeHtml(cell.area.name)}</th>${tds}</tr>`;
    });
  const headings = ['Area', 'Locations', 'Beds', 'Providers', ...METRICS.map((metric) => metric.label)];
  return `<table>
<caption>ADASS regions and England, as of ${escapeHtml(asOfText)}</caption>
<thead><tr>${headings.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function styles(): string {
  const colourRules = METRICS.flatMap((metric) =>
    PALETTE.map(
      (colour, i) => `main[data-metric="${metric.id}"] .hex[data-${metric.id}="${i}"] polygon{fill:${colour}}`,
    ),
  );
  const legendRules = METRICS.map(
    (metric) => `main[data-metric="${metric.id}"] .legend[data-legend="${metric.id}"]{display:flex}`,
  );
  const regionRules = ADASS_REGIONS.map(
    (region) =>
      `main[data-filter-region="${region}"] [data-region]:not([data-region="${region}"]){opacity:.2}`,
  );
  return `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1a1a1a;background:#fff}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 1rem}
header p{margin:.25rem 0;color:#404040}
.controls{display:flex;flex-wrap:wrap;gap:1rem;align-items:end;margin:1rem 0}
.controls label{display:flex;flex-direction:column;font-weight:600;gap:.25rem}
select,button{font:inherit;padding:.25rem}
.layout{display:grid;grid-template-columns:minmax(0,620px) minmax(240px,1fr);gap:1.5rem;align-items:start}
@media (max-width:800px){.layout{grid-template-columns:1fr}}
svg{width:100%;height:auto}
.hex polygon{fill:url(#no-data);stroke:#fff;stroke-width:1}
.hex:focus polygon,.hex:hover polygon{stroke:#000;stroke-width:3}
.boundaries{fill:none;stroke:#1a1a1a;stroke-width:2;stroke-linecap:round;pointer-events:none}
.legend{display:none;flex-direction:column;list-style:none;padding:0;margin:0 0 1rem;gap:.25rem}
.legend li{display:flex;align-items:center;gap:.5rem}
.swatch{display:inline-block;width:1.5rem;height:1rem;border:1px solid #808080}
.swatch.no-data{background:repeating-linear-gradient(45deg,#d4d4d4 0 3px,#a3a3a3 3px 5px)}
#details{white-space:pre-line;border-left:4px solid #21918c;padding:.5rem .75rem;background:#f5f5f5;min-height:6rem}
table{border-collapse:collapse;margin:1.5rem 0;font-size:.875rem}
caption{text-align:left;font-weight:600;margin-bottom:.5rem}
th,td{border:1px solid #c8c8c8;padding:.3rem .5rem;text-align:left;vertical-align:top}
thead th{background:#f0f0f0}
footer{font-size:.8125rem;color:#404040;margin:1.5rem auto}
${[...colourRules, ...legendRules, ...regionRules].join('\n')}`;
}

const SCRIPT = `(() => {
  const main = document.querySelector('main');
  const metric = document.getElementById('metric');
  const region = document.getElementById('region');
  const details = document.getElementById('details');
  // Browsers restore form values on reload: start from what the selects show.
  const sync = () => { main.dataset.metric = metric.value; main.dataset.filterRegion = region.value; };
  metric.addEventListener('change', sync);
  region.addEventListener('change', sync);
  sync();
  const show = (event) => {
    const hex = event.target.closest('.hex');
    if (hex) details.textContent = hex.querySelector('title').textContent;
  };
  const map = document.getElementById('map');
  map.addEventListener('focusin', show);
  map.addEventListener('mouseover', show);
  document.getElementById('download').addEventListener('click', () => {
    const data = document.getElementById('heatmap-data');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([data.textContent], { type: 'application/json' }));
    link.download = data.dataset.filename;
    link.click();
    URL.revokeObjectURL(link.href);
  });
})();`;

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
<p>Figures are counts and shares for each council area; no person is named or identifiable.</p>
</header>
<main data-metric="${defaultMetric?.id ?? ''}" data-filter-region="">
<div class="controls" role="group" aria-label="Map options">
<label>Colour councils by<select id="metric">${metricOptions}</select></label>
<label>ADASS region<select id="region"><option value="">All regions</option>${regionOptions}</select></label>
<button type="button" id="download">Download figures (JSON)</button>
</div>
<div class="layout">
${mapSvg(heatMap, HexJson.parse(hexjson))}
<section aria-label="Legend and council figures">
${legends()}
<div id="details" aria-live="polite">Hover over or tab to a council to see its figures.</div>
</section>
</div>
${summaryTable(heatMap, asOfText)}
<details>
<summary>How the figures are worked out</summary>
<ul>
<li>Red locations: the location's own risk band. Red providers: the provider's band, applied to all its locations.</li>
<li>Rated beds: beds at locations whose latest CQC rating has an overall rating; unrated beds are left out of the share.</li>
<li>Admittable vacancies: vacancies declared in the latest Capacity Tracker return of care homes accepting admissions, leaving out homes of Red providers.</li>
<li>Safeguarding concerns: those described in the 12 months to the as-of date, against the 12 months before. The trend is rising or falling when concerns changed by at least ${trendPct} and by at least ${TREND_MIN_CONCERNS_CHANGE}; otherwise steady.</li>
<li>Stale returns: care homes whose latest Capacity Tracker return is ${STALE_RETURN_MONTHS} or more months behind the as-of month, or that never sent one.</li>
<li>Grey hatched hexes have nothing to divide by (for example, no care homes).</li>
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
