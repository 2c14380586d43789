// Speed and memory of the hot paths at national scale (about 15,000 CQC adult social care locations),
// measured here rather than asserted in tests. Usage: npm run bench [-- --locations 15000]
import { readFile } from 'node:fs/promises';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Command } from 'commander';
import { LOCAL_RESOURCE_NAMES, pointAwsSdkAt, startLocalEngines } from '../cli/local/engines.js';
import { DEFAULTS } from '../cli/local/pipeline.js';
import { generateSample } from '../cli/sample/generate.js';
import { DynamoStores } from '../shared/adapters/dynamodb/stores.js';
import { tableDefinition } from '../shared/adapters/dynamodb/table.js';
import { computeBaseline } from '../shared/domain/baseline.js';
import { buildHeatMap } from '../shared/domain/heatmap.js';
import { marketFactsFor } from '../shared/domain/market-facts.js';
import { groupBy } from '../shared/domain/collections.js';
import type { Signal } from '../shared/domain/model.js';
import { riskModel } from '../shared/domain/risk-model.js';
import { scoreMarket } from '../shared/domain/score-market.js';
import { parseCapacityTracker } from '../shared/sources/capacity-tracker.js';
import { parseCompaniesHouse } from '../shared/sources/companies-house.js';
import { parseCqcRegister } from '../shared/sources/cqc-register.js';
import { parseSafeguardingReturn } from '../shared/sources/safeguarding.js';

const options = new Command().option('--locations <n>', 'locations in the synthetic national register', (v) => Number.parseInt(v, 10), 15_000).option('--store <n>', 'signals to write to DynamoDB Local', (v) => Number.parseInt(v, 10), 20_000).parse().opts<{ locations: number; store: number }>();

let peakHeap = 0;
const sampleHeap = () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed));
const timer = setInterval(sampleHeap, 20);
const results: { step: string; seconds: number; items: number; perSecond: number }[] = [];

async function measure<T>(step: string, items: number, work: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  results.push({ step, seconds: Number(seconds.toFixed(2)), items, perSecond: Math.round(items / seconds) });
  sampleHeap();
  return result;
}

/** The real register repeated with fresh ids until it has the national number of rows. */
function nationalRegister(text: string, rows: number): string {
  const [header, ...lines] = text.trimEnd().split(/\r?\n/);
  const out = [header!];
  const renamed = new Map<string, string>();
  for (let i = 0; out.length <= rows; i++) {
    const copy = Math.floor(i / lines.length);
    // Each copy gets its own ids for locations and providers alike, unique and within CQC's id format.
    out.push(
      lines[i % lines.length]!.replace(/"(1-\d+|R[A-Z0-9]{2,4})"/g, (_, id: string) => {
        const key = `${copy}#${id}`;
        if (!renamed.has(key)) renamed.set(key, `1-${String(renamed.size).padStart(9, '0')}`);
        return `"${renamed.get(key)}"`;
      }),
    );
  }
  return out.join('\r\n');
}

const asOf = DEFAULTS.asOf;
const model = riskModel();
const register = nationalRegister(await readFile(DEFAULTS.registerFile, 'utf8'), options.locations);
const context = { origin: 'bench', receivedOn: asOf, snapshotOn: DEFAULTS.registerSnapshotOn };
const parsed = await measure('parse CQC register rows', options.locations, () => parseCqcRegister(register, context));
const sample = await measure('generate the sample around them', parsed.locations.length, () => generateSample({ seed: 1, asOf, locations: parsed.locations, providers: parsed.providers }));
const signals: Signal[] = [...parsed.signals];
await measure('parse capacity, safeguarding, Companies House files', parsed.locations.length, () => {
  for (const r of sample.capacityReturns) signals.push(...parseCapacityTracker(r.csv, { ...context, snapshotOn: r.snapshotOn }).signals);
  signals.push(...parseSafeguardingReturn(sample.safeguardingCsv, { ...context, snapshotOn: asOf }).signals);
  signals.push(...parseCompaniesHouse(sample.companiesHouseJsonl, { ...context, snapshotOn: asOf }).signals);
});
const byLocation = groupBy(signals, (s) => (s.subject.type === 'location' ? s.subject.id : null));
const byProvider = groupBy(signals, (s) => (s.subject.type === 'provider' ? s.subject.id : null));
const baseline = await measure('compute the market baseline', parsed.locations.length, () =>
  computeBaseline({ asOf, locations: parsed.locations, signalsByLocation: byLocation, scarceSpecialisms: model.impact.scarceSpecialisms }),
);
const market = { locations: parsed.locations, providers: parsed.providers, groups: parsed.groups, signalsByLocation: byLocation, signalsByProvider: byProvider };
const assessed = await measure('score locations and roll up providers and groups', parsed.locations.length, () => scoreMarket(market, asOf, model, baseline));
await measure('build the heat map', parsed.locations.length, () => {
  const facts = new Map(parsed.locations.map((l) => [l.locationId, marketFactsFor(l, byLocation.get(l.locationId) ?? [], asOf)]));
  return buildHeatMap({ asOf, modelVersion: model.version, locations: parsed.locations, facts, locationAssessments: assessed.locations, providerAssessments: assessed.providers });
});

const engines = await startLocalEngines();
try {
  pointAwsSdkAt(engines);
  const dynamo = new DynamoDBClient({});
  await dynamo.send(new CreateTableCommand(tableDefinition(LOCAL_RESOURCE_NAMES.table)));
  const stores = new DynamoStores(dynamo, LOCAL_RESOURCE_NAMES.table);
  const batch = signals.slice(0, options.store);
  await measure('store signals once each (DynamoDB Local)', batch.length, () => stores.putSignals(batch));
  await measure('re-send the same signals: nothing stored', batch.length, () => stores.putSignals(batch));
  const sampleIds = [...byLocation.keys()].slice(0, 1000);
  await measure('read a location\'s signals back (1,000 queries)', sampleIds.length, async () => {
    for (const id of sampleIds) await stores.signalsFor({ type: 'location', id });
  });
  dynamo.destroy();
} finally {
  await engines.stop();
  clearInterval(timer);
}

console.log(`Benchmark: ${parsed.locations.length} locations, ${parsed.providers.length} providers, ${signals.length} signals, as of ${asOf}`);
console.table(results);
console.log(`Peak JS heap: ${(peakHeap / 2 ** 20).toFixed(0)} MiB`);
