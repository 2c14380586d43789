// A subject's band over time, from its stored assessments: since when it has held its band, what it was
// before, the top reasons a viewer may read, and the chart of it.
import { bandRun as runOfBand } from '../band-history.js';
import type { Band, RiskAssessment } from '../model.js';
import type { DisclosableFieldClass } from '../protocol.js';
import { classOfFamily } from './access.js';
import { BAND_COLOURS, html, type Markup, raw } from './layout.js';

export interface BandRun {
  band: Band;
  /** The first assessment of the current unbroken run at this band. */
  since: string;
  /** The band before the run, or null when the subject has held this band since it was first assessed. */
  previous: Band | null;
}

/** From assessments oldest first; undefined without any. */
export function bandRun(history: readonly Pick<RiskAssessment, 'asOf' | 'band'>[]): BandRun | undefined {
  const latest = history.at(-1);
  if (!latest) return undefined;
  const run = runOfBand(history, latest);
  return { band: latest.band, since: run.bandSince, previous: run.previousBand };
}

const WITHHELD_REASON: Record<string, string> = {
  'commercially-sensitive': 'a financial concern (figures withheld at your access)',
  operational: 'an occupancy or workforce concern (figures withheld at your access)',
};

/**
 * The hard triggers, then the factors adding most points, as the viewer may read them: a factor of a class
 * the viewer does not hold says only that such a concern exists, as the protocol's notices do.
 */
export function topReasons(assessment: Pick<RiskAssessment, 'hardTriggers' | 'factors'>, classes: ReadonlySet<DisclosableFieldClass>, count = 3): string[] {
  const factors = [...assessment.factors].filter((f) => f.points > 0).sort((a, b) => b.points - a.points || a.indicator.localeCompare(b.indicator));
  const reasons = factors.map((f) => {
    const needed = classOfFamily(f.family);
    return classes.has(needed) ? `${f.indicator} (+${Math.round(f.points)})` : WITHHELD_REASON[needed]!;
  });
  return [...new Set([...assessment.hardTriggers.map((t) => `hard trigger: ${t}`), ...reasons])].slice(0, count);
}

const CHART_W = 640;
const CHART_H = 200;
const PAD = { left: 36, right: 12, top: 12, bottom: 40 };
/** A shape per band as well as a colour, so the chart reads without colour. */
const MARK: Record<Band, (x: number, y: number) => string> = {
  Green: (x, y) => `<circle cx="${x}" cy="${y}" r="4"/>`,
  Amber: (x, y) => `<rect x="${x - 4}" y="${y - 4}" width="8" height="8"/>`,
  Red: (x, y) => `<path d="M${x} ${y - 5}L${x + 5} ${y + 4}L${x - 5} ${y + 4}Z"/>`,
};

const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/** Likelihood as a line with a mark per assessment, and the band as a strip along the bottom. */
export function bandChart(history: readonly Pick<RiskAssessment, 'asOf' | 'band' | 'likelihood'>[]): Markup {
  if (history.length === 0) return html`<p>No stored assessments.</p>`;
  const first = day(history[0]!.asOf);
  const span = Math.max(1, day(history.at(-1)!.asOf) - first);
  const plotW = CHART_W - PAD.left - PAD.right;
  const plotH = CHART_H - PAD.top - PAD.bottom;
  const x = (date: string) => PAD.left + (history.length === 1 ? plotW / 2 : ((day(date) - first) / span) * plotW);
  const y = (likelihood: number) => PAD.top + plotH - (likelihood / 100) * plotH;
  const line = history.map((a, i) => `${i === 0 ? 'M' : 'L'}${x(a.asOf).toFixed(1)} ${y(a.likelihood).toFixed(1)}`).join('');
  const strip = history.map((a, i) => {
    const from = x(a.asOf);
    const to = i + 1 < history.length ? x(history[i + 1]!.asOf) : Math.max(from + 6, PAD.left + plotW);
    return `<rect x="${from.toFixed(1)}" y="${PAD.top + plotH + 6}" width="${Math.max(2, to - from).toFixed(1)}" height="10" fill="${BAND_COLOURS[a.band]}"/>`;
  });
  const marks = history.map((a) => `<g fill="${BAND_COLOURS[a.band]}" stroke="#0b0c0c" stroke-width=".75">${MARK[a.band](Number(x(a.asOf).toFixed(1)), Number(y(a.likelihood).toFixed(1)))}</g>`);
  const grid = [0, 50, 100].map((v) => `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#d4d4d4"/><text x="${PAD.left - 4}" y="${y(v) + 3}" text-anchor="end">${v}</text>`);
  const ends = `<text x="${PAD.left}" y="${CHART_H - 6}">${history[0]!.asOf}</text><text x="${PAD.left + plotW}" y="${CHART_H - 6}" text-anchor="end">${history.at(-1)!.asOf}</text>`;
  const latest = history.at(-1)!;
  return html`<svg class="chart" viewBox="0 0 ${CHART_W} ${CHART_H}" role="img" aria-label="Band and likelihood over ${history.length} assessments, from ${history[0]!.asOf} to ${latest.asOf}; now ${latest.band}, likelihood ${Math.round(latest.likelihood)}">
${raw(grid.join(''))}<path d="${line}" fill="none" stroke="#505a5f" stroke-width="1.5"/>${raw(marks.join(''))}${raw(strip.join(''))}${raw(ends)}
</svg>`;
}
