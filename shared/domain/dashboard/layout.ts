// The one layout every dashboard page shares: header with navigation and search, who is viewing, the CSS
// (focus ring, 390 px layout, print) and the small inline script for sortable tables. Nothing loads from
// any other host: the pages are served as they are.
import { describeViewer, type Viewer } from './access.js';

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Tagged template that escapes every interpolated value unless it is already markup (`raw`). */
export interface Markup {
  readonly html: string;
}
export const raw = (html: string): Markup => ({ html });
export function html(strings: TemplateStringsArray, ...values: readonly unknown[]): Markup {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += renderValue(value) + (strings[i + 1] ?? '');
  });
  return { html: out };
}
function renderValue(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(renderValue).join('');
  if (typeof value === 'object' && 'html' in value) return String((value as Markup).html);
  return escapeHtml(String(value));
}

/** Viridis, light to dark: sequential, safe with every common colour-vision deficiency and in greyscale. */
export const PALETTE = ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'] as const;
/** Text that stays readable on each palette class. */
export const INK = ['#000', '#000', '#fff', '#fff', '#fff'] as const;

export const BAND_COLOURS = { Green: '#1b7837', Amber: '#b35806', Red: '#b2182b' } as const;

export function formatDate(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
}

const CSS = `*{box-sizing:border-box}
.skip{position:absolute;left:-9999px;top:0;background:#ffdd00;color:#0b0c0c;padding:.5rem;z-index:2}.skip:focus{left:0}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#0b0c0c;background:#fff;line-height:1.4}
a{color:#1d4f91}
a:visited{color:#4c2c92}
.top{background:#0b0c0c;color:#fff;padding:.5rem 1rem}
.top a{color:#fff}
.top nav{display:flex;flex-wrap:wrap;gap:.75rem 1.25rem;align-items:center;max-width:1200px;margin:0 auto}
.top .brand{font-weight:700;text-decoration:none}
.top form{display:flex;gap:.25rem;margin-left:auto}
.top input{font:inherit;padding:.25rem .4rem;width:12rem;max-width:45vw}
.viewer{max-width:1200px;margin:0 auto;padding:.4rem 1rem;font-size:.875rem;background:#f3f2f1}
main{max-width:1200px;margin:0 auto;padding:0 1rem 2rem}
h1{font-size:1.6rem;margin:.75rem 0 .25rem}
h2{font-size:1.2rem;margin:1.25rem 0 .5rem}
p.meta{margin:.2rem 0;color:#505a5f}
button,select,input{font:inherit}
button,select{padding:.25rem .4rem}
:focus-visible{outline:3px solid #0b0c0c;outline-offset:0;box-shadow:0 0 0 6px #ffdd00}
.top :focus-visible{outline-color:#ffdd00;box-shadow:0 0 0 6px #0b0c0c}
.controls{display:flex;flex-wrap:wrap;gap:.75rem 1rem;align-items:end;margin:.75rem 0}
.controls label{display:flex;flex-direction:column;font-weight:600;gap:.2rem;max-width:100%}
.controls select{max-width:100%}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.875rem;margin:.5rem 0}
caption{text-align:left;font-weight:600;margin-bottom:.4rem}
th,td{border:1px solid #b1b4b6;padding:.3rem .45rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
thead th{background:#f3f2f1}
th button.sort{all:unset;cursor:pointer;font-weight:700}
th button.sort::after{content:" \\2195";color:#505a5f}
th[aria-sort="ascending"] button.sort::after{content:" \\2191"}
th[aria-sort="descending"] button.sort::after{content:" \\2193"}
.band{display:inline-block;padding:0 .4rem;border-radius:3px;color:#fff;font-weight:700}
.band-Green{background:${BAND_COLOURS.Green}}.band-Amber{background:${BAND_COLOURS.Amber}}.band-Red{background:${BAND_COLOURS.Red}}
.suppressed{font-style:italic}
.notice{border-left:4px solid #1d70b8;background:#f3f2f1;padding:.5rem .75rem}
.timeline{list-style:none;padding:0;margin:0}
.timeline li{border-left:3px solid #b1b4b6;padding:.2rem 0 .4rem .75rem;margin-left:.25rem}
.timeline time{font-weight:600;margin-right:.5rem}
footer{max-width:1200px;margin:0 auto;padding:1rem;font-size:.8125rem;color:#505a5f}
@media (max-width:600px){h1{font-size:1.3rem}.top form{margin-left:0;width:100%}.top input{flex:1;max-width:none}}
@media print{.top,.viewer,.controls,.no-print,footer{display:none}a{color:#000;text-decoration:none}body{font-size:10pt}
section.council{break-after:page}section.council:last-of-type{break-after:auto}table{break-inside:auto}tr{break-inside:avoid}}
@page{size:A4 landscape;margin:12mm}`;

/** Sorts a table whose header cells hold `button.sort`: numbers by `data-sort` (or text), then text. */
const SORT_SCRIPT = `document.querySelectorAll('table.sortable').forEach((table) => {
  table.querySelectorAll('thead th').forEach((th, column) => {
    const button = th.querySelector('button.sort');
    if (!button) return;
    button.addEventListener('click', () => {
      const ascending = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('thead th').forEach((other) => other.removeAttribute('aria-sort'));
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      const body = table.tBodies[0];
      const key = (row) => { const cell = row.cells[column]; return cell.dataset.sort ?? cell.textContent.trim(); };
      const rows = [...body.rows].sort((a, b) => {
        const x = key(a), y = key(b), nx = Number(x), ny = Number(y);
        const order = x !== '' && y !== '' && !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x.localeCompare(y);
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  });
});
document.querySelectorAll('form.auto-submit select').forEach((select) => select.addEventListener('change', () => select.form.requestSubmit()));`;

export interface PageOptions {
  title: string;
  viewer: Viewer;
  body: Markup;
  /** Extra script for this page, after the shared one. */
  script?: string;
  /** Extra CSS for this page. */
  css?: string;
  /** The search box's current text. */
  query?: string;
}

export function layout(options: PageOptions): string {
  const page = html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Care market dashboard</title>
<style>${raw(CSS)}${raw(options.css ?? '')}</style>
</head>
<body>
<a href="#content" class="skip no-print">Skip to content</a>
<header class="top"><nav aria-label="Dashboard">
<a class="brand" href="/">Care market dashboard</a>
<a href="/">Map</a>
<form role="search" action="/search" method="get"><label for="q" class="visually-hidden">Search by name, CQC id or company number</label><input id="q" name="q" type="search" placeholder="Name, CQC id or company no." value="${options.query ?? ''}"><button type="submit">Search</button></form>
</nav></header>
<p class="viewer">Viewing as ${describeViewer(options.viewer)}</p>
<main id="content" tabindex="-1">
${options.body}
</main>
<footer><p>Contains CQC data © Care Quality Commission and ONS codes, Open Government Licence v3.0. Hex layout derived from the Open Innovations hexmaps, MIT licence. Figures hold no personal data.</p></footer>
<script>${raw(SORT_SCRIPT)}${raw(options.script ?? '')}</script>
</body>
</html>
`;
  return page.html;
}

/** A sortable column heading: a real button, so it is reached and pressed from the keyboard. */
export const sortableHeading = (label: string, numeric = false): Markup =>
  html`<th scope="col"${raw(numeric ? ' class="num"' : '')}><button type="button" class="sort">${label}</button></th>`;

export const bandBadge = (band: string | null): Markup => (band === null ? html`<span>not assessed</span>` : html`<span class="band band-${band}">${band}</span>`);
