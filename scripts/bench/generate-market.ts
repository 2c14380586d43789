// Child process of the benchmark: England's market as records, from the backtest's history generator (which
// knows nothing of scoring), written as newline-delimited JSON for the phases to read and parse. It runs in its
// own process so its peak memory is measured apart from the pipeline's. Usage: tsx generate-market.ts <dir> <locations> <months>
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateHistory } from '../../cli/backtest/history.js';
import { addMonths } from '../../shared/domain/dates.js';
import type { Signal } from '../../shared/domain/model.js';
import { ENGLAND, peakRssMb } from './measure.js';

const [dir, locations, months] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
const started = performance.now();
const from = addMonths(ENGLAND.asOf, -months);
const history = generateHistory({ seed: ENGLAND.seed, locations, from, months });
// Twelve months of concerns, as the issue asks; every other series keeps the whole window.
const concernsFrom = addMonths(history.to, -12);
const kept = history.signals.filter((s) => s.facts.kind !== 'safeguarding-concern' || s.describedOn > concernsFrom);
// By subject, so a phase can load a slice of the market at a time as a backfill would.
const subjectOf = (s: Signal) => `${s.subject.type}#${s.subject.id}`;
kept.sort((a, b) => (subjectOf(a) < subjectOf(b) ? -1 : subjectOf(a) > subjectOf(b) ? 1 : 0));
const out = createWriteStream(join(dir, 'signals.ndjson'));
for (const signal of kept) if (!out.write(`${JSON.stringify(signal)}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
await new Promise<void>((resolve) => out.end(() => resolve()));
const { locations: locs, providers, groups, links } = history;
await writeFile(join(dir, 'reference.json'), JSON.stringify({ locations: locs, providers, groups, links }));
const bySource: Record<string, number> = {};
for (const s of kept) bySource[s.facts.kind] = (bySource[s.facts.kind] ?? 0) + 1;
process.stdout.write(
  JSON.stringify({
    to: history.to,
    locations: locs.length,
    providers: providers.length,
    groups: groups.length,
    councils: new Set(locs.map((l) => l.councilGss)).size,
    links: links.length,
    signals: kept.length,
    bySource,
    seconds: (performance.now() - started) / 1000,
    peakRssMb: peakRssMb(),
  }),
);
