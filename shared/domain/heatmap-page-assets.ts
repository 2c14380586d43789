// The heat map page's style sheet and script, inline: the page is opened from a file or S3 and loads nothing
// from any other host.
import { LIGHT_TEXT_FROM, METRICS, PALETTE } from './heatmap-metrics.js';
import { ADASS_REGIONS } from './model.js';

/** A focus ring seen on every fill: a near-black ring inside a white one (and the reverse on the hexes). */
const DARK = '#0b0c0c';
const LIGHT = '#ffffff';

export function styles(): string {
  const colourRules = METRICS.flatMap((metric) =>
    PALETTE.map((colour, i) => {
      const text = i >= LIGHT_TEXT_FROM ? LIGHT : DARK;
      const hex = `main[data-metric="${metric.id}"] .hex[data-${metric.id}="${i}"]`;
      return `${hex} .fill{fill:${colour}}\n${hex} text{fill:${text}}`;
    }),
  );
  const metricRules = METRICS.map(
    (metric) =>
      `main[data-metric="${metric.id}"] .legend[data-legend="${metric.id}"]{display:flex}\n` +
      `main[data-metric="${metric.id}"] .value[data-metric="${metric.id}"]{display:inline}`,
  );
  const regionRules = ADASS_REGIONS.map(
    (region) =>
      `main[data-filter-region="${region}"] .hex:not([data-region="${region}"]){opacity:.2}\n` +
      `main[data-filter-region="${region}"] #councils tbody tr:not([data-region="${region}"]){display:none}`,
  );
  return `*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1a1a1a;background:#fff}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 1rem}
header p{margin:.25rem 0;color:#404040}
.controls{display:flex;flex-wrap:wrap;gap:1rem;align-items:end;margin:1rem 0}
.controls label{display:flex;flex-direction:column;font-weight:600;gap:.25rem;min-width:0;max-width:100%}
select,button{font:inherit;padding:.25rem;max-width:100%}
select{width:100%}
:focus-visible{outline:3px solid ${DARK};outline-offset:2px;box-shadow:0 0 0 2px ${LIGHT}}
.layout{display:grid;grid-template-columns:minmax(0,620px) minmax(240px,1fr);gap:1.5rem;align-items:start}
.panel{min-width:0}
svg{width:100%;height:auto;display:block}
.hex .fill{fill:url(#no-data);stroke:#fff;stroke-width:1}
.hex text{fill:${DARK};font-size:6.5px;text-anchor:middle;pointer-events:none}
.hex .code{font-weight:700;font-size:7px}
.hex .value{display:none}
.hex .ring{fill:none;visibility:hidden;pointer-events:none}
.hex .ring.outer{stroke:${DARK};stroke-width:3}
.hex .ring.inner{stroke:${LIGHT};stroke-width:2}
.hex:focus{outline:none}
.hex:focus .ring,.hex:hover .ring,.hex.selected .ring{visibility:visible}
.boundaries{fill:none;stroke:#1a1a1a;stroke-width:2;stroke-linecap:round;pointer-events:none}
.legend{display:none;flex-direction:column;list-style:none;padding:0;margin:0 0 1rem;gap:.25rem}
.legend li{display:flex;align-items:center;gap:.5rem}
.swatch{display:inline-block;width:1.5rem;height:1rem;border:1px solid #808080;flex:none}
.swatch.no-data{background:repeating-linear-gradient(45deg,#d4d4d4 0 3px,#a3a3a3 3px 5px)}
#details{white-space:pre-line;border-left:4px solid #21918c;padding:.5rem .75rem;background:#f5f5f5;min-height:6rem;overflow-wrap:anywhere}
.table-wrap{overflow-x:auto;max-width:100%;margin:1.5rem 0}
table{border-collapse:collapse;font-size:.875rem}
caption{text-align:left;font-weight:600;margin-bottom:.5rem}
th,td{border:1px solid #c8c8c8;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
thead th{background:#f0f0f0}
th button{all:unset;cursor:pointer;font-weight:700}
th button:focus-visible{outline:3px solid ${DARK};outline-offset:2px;box-shadow:0 0 0 2px ${LIGHT}}
th[aria-sort="ascending"] button::after{content:" ▲"}
th[aria-sort="descending"] button::after{content:" ▼"}
footer{font-size:.8125rem;color:#404040;margin:1.5rem auto}
@media (max-width:800px){
.layout{grid-template-columns:1fr;gap:.75rem}
/* On a phone the tapped council's figures sit above the map and stay in view while it scrolls. */
.panel{order:-1;position:sticky;top:0;z-index:1;background:#fff;padding-bottom:.5rem}
#details{min-height:0;max-height:35vh;overflow-y:auto;font-size:.875rem}
.legend{flex-direction:row;flex-wrap:wrap;gap:.25rem .75rem;font-size:.8125rem;margin-bottom:.5rem}
}
@media print{
.controls,#download,.panel #details,details{display:none}
body{font-size:10pt}
.layout{display:block}
svg{max-width:17cm;margin:0 auto;break-inside:avoid}
.panel{position:static}
.table-wrap{overflow:visible}
table{font-size:8pt;width:100%;break-before:page}
thead{display:table-header-group}
tr{break-inside:avoid}
th button::after{content:none}
}
${[...colourRules, ...metricRules, ...regionRules].join('\n')}`;
}

export const SCRIPT = `(() => {
  const main = document.querySelector('main');
  const metric = document.getElementById('metric');
  const region = document.getElementById('region');
  const details = document.getElementById('details');
  const hexes = [...document.querySelectorAll('#map .hex')];
  // Browsers restore form values on reload: start from what the selects show. Dimmed hexes leave the tab order.
  const sync = () => {
    main.dataset.metric = metric.value;
    main.dataset.filterRegion = region.value;
    for (const hex of hexes) hex.tabIndex = !region.value || hex.dataset.region === region.value ? 0 : -1;
  };
  metric.addEventListener('change', sync);
  region.addEventListener('change', sync);
  sync();
  const show = (event) => {
    const hex = event.target.closest('.hex');
    if (!hex) return;
    details.textContent = hex.querySelector('title').textContent;
    for (const other of hexes) other.classList.toggle('selected', other === hex);
  };
  const map = document.getElementById('map');
  map.addEventListener('focusin', show);
  map.addEventListener('mouseover', show);
  map.addEventListener('click', show);

  const table = document.getElementById('councils');
  const headers = [...table.querySelectorAll('thead th')];
  const sortBy = (th) => {
    const column = headers.indexOf(th);
    const ascending = th.getAttribute('aria-sort') !== 'ascending';
    const numeric = th.dataset.type === 'number';
    const key = (row) => row.cells[column].dataset.sort ?? row.cells[column].textContent;
    const rows = [...table.tBodies[0].rows];
    rows.sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      // Withheld and missing figures go last either way.
      if (x === '' || y === '') return (x === '') - (y === '');
      const order = numeric ? Number(x) - Number(y) : x.localeCompare(y, 'en-GB');
      return ascending ? order : -order;
    });
    table.tBodies[0].append(...rows);
    for (const other of headers) other.removeAttribute('aria-sort');
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
  };
  for (const th of headers) th.querySelector('button').addEventListener('click', () => sortBy(th));

  document.getElementById('download').addEventListener('click', () => {
    const data = document.getElementById('heatmap-data');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([data.textContent], { type: 'application/json' }));
    link.download = data.dataset.filename;
    link.click();
    URL.revokeObjectURL(link.href);
  });
})();`;
