// England-scale benchmark: 30,000 locations' two years of signals loaded into DynamoDB Local through the
// signal store and scored, against the floor (the same records read, parsed and written as the same packed
// items with plain BatchWriteItem, nothing else), each on a fresh engine; then the latency from one new
// signal to its stored escalation decision on the loaded table, the items written, peak memory, and each
// Lambda bundle's size and cold import time. Usage: npm run bench [-- --locations 3000]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { measureBundles } from './bench/bundles.js';
import { latencyPhase } from './bench/latency.js';
import { ENGLAND, peakRssMb } from './bench/measure.js';
import { floorPhase, pipelinePhase } from './bench/phases.js';
import { report } from './bench/report.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const wholeNumber = (v: string) => Number.parseInt(v, 10);
const options = new Command()
  .option('--locations <n>', 'locations in the generated market (England: 30,000)', wholeNumber, ENGLAND.locations)
  .option('--months <n>', 'months of history (capacity returns, company snapshots; concerns keep the last 12)', wholeNumber, ENGLAND.months)
  .option('--signals <n>', 'new signals timed from write to escalation decision', wholeNumber, ENGLAND.latencySignals)
  .option('--out <file>', 'where to write the figures', 'out/bench.json')
  .parse()
  .opts<{ locations: number; months: number; signals: number; out: string }>();

const root = new URL('../', import.meta.url);
const started = performance.now();
const load = { before: loadavg().map((n) => Number(n.toFixed(2))), cores: cpus().length };
const progress = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const dir = mkdtempSync(join(tmpdir(), 'bench-market-'));
try {
  progress(`generating ${options.locations} locations and ${options.months} months of signals in a child process (load average ${load.before.join(', ')} on ${load.cores} cores)`);
  const child = spawnSync(process.execPath, ['--import', 'tsx', new URL('bench/generate-market.ts', import.meta.url).pathname, dir, String(options.locations), String(options.months)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`the market generator failed: ${child.stderr.slice(-2000)}`);
  const market = JSON.parse(child.stdout) as { to: string; locations: number; providers: number; groups: number; councils: number; signals: number; bySource: Record<string, number>; seconds: number; peakRssMb: number };
  progress(`generated ${market.signals} signals about ${market.locations} locations of ${market.providers} providers in ${market.councils} councils (${market.seconds.toFixed(0)} s)`);

  const floor = await floorPhase(dir);
  const floorRssMb = peakRssMb();
  progress(`floor: ${floor.itemsWritten} items in ${floor.writeRequests} plain batch writes, ${floor.seconds.toFixed(1)} s`);
  const { result: pipeline, engine } = await pipelinePhase(dir, market.to);
  progress(`pipeline: ingest ${pipeline.ingestSeconds.toFixed(1)} s + scoring ${pipeline.recomputeSeconds.toFixed(1)} s; re-sent ${pipeline.resend.signals} signals of the backfill, stored ${pipeline.resend.stored} in ${pipeline.resend.seconds.toFixed(1)} s`);
  let latency;
  let pipelineEngineRssMb;
  let latencyRssMb;
  try {
    latency = await latencyPhase(engine, options.signals);
    latencyRssMb = peakRssMb();
    progress(`latency over ${latency.signals} signals: p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms, p99 ${latency.p99Ms} ms`);
  } finally {
    pipelineEngineRssMb = await engine.stop();
  }
  const bundles = await measureBundles(root);
  progress(`bundled ${Object.keys(bundles).length} functions`);

  const figures = report({
    market,
    floor,
    pipeline,
    latency,
    bundles,
    memory: {
      benchMb: peakRssMb(),
      benchMbByPhase: { floor: floorRssMb, ...pipeline.rssMb, latency: latencyRssMb },
      generatorMb: market.peakRssMb,
      engineMb: Math.max(floor.engineRssMb, pipelineEngineRssMb),
    },
    load: { ...load, after: loadavg().map((n) => Number(n.toFixed(2))) },
    totalSeconds: (performance.now() - started) / 1000,
  });
  mkdirSync(join(options.out, '..'), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(figures, null, 2)}\n`);
  progress(`wrote ${options.out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
