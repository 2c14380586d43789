// Child process of the benchmark: England's market as records, from the backtest's history generator (which
// knows nothing of scoring), written as newline-delimited JSON for the phases to read and parse. It runs in its
// own process so its peak memory is measured apart from the pipeline's, and it streams: each batch of signals is
// written as it is drawn, so the market's million signals are never held. Usage: tsx generate-market.ts <dir> <locations> <months>
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { historyEnd, streamHistory } from '../../cli/backtest/history.js';
import { addMonths } from '../../shared/domain/dates.js';
import { ENGLAND, peakRssMb } from './measure.js';

const [dir, locations, months] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
const started = performance.now();
const options = { seed: ENGLAND.seed, locations, from: addMonths(ENGLAND.asOf, -months), months };
// Twelve months of concerns, as the issue asks; every other series keeps the whole window.
const concernsFrom = addMonths(historyEnd(options), -12);
// Each batch holds all of its subjects' signals, so a phase can load a slice of the market at a time as a backfill would.
const out = createWriteStream(join(dir, 'signals.ndjson'));
const bySource: Record<string, number> = {};
let signals = 0;
const batches = streamHistory(options);
let next = batches.next();
for (; !next.done; next = batches.next()) {
  let lines = '';
  for (const s of next.value) {
    if (s.facts.kind === 'safeguarding-concern' && s.describedOn <= concernsFrom) continue;
    lines += `${JSON.stringify(s)}\n`;
    bySource[s.facts.kind] = (bySource[s.facts.kind] ?? 0) + 1;
    signals++;
  }
  if (lines !== '' && !out.write(lines)) await once(out, 'drain');
}
await new Promise<void>((resolve) => out.end(() => resolve()));
const history = next.value;
const { locations: locs, providers, groups, links } = history;
await writeFile(join(dir, 'reference.json'), JSON.stringify({ locations: locs, providers, groups, links }));
process.stdout.write(
  JSON.stringify({
    to: history.to,
    locations: locs.length,
    providers: providers.length,
    groups: groups.length,
    councils: new Set(locs.map((l) => l.councilGss)).size,
    links: links.length,
    signals,
    bySource,
    seconds: (performance.now() - started) / 1000,
    peakRssMb: peakRssMb(),
  }),
);
