// How common High impact and each band are at England's density: the backtest's generated market (30,000
// locations by default) scored once, as of one date, under each model version named. A measurement, not a
// test. Usage: npx tsx scripts/impact-share.ts [--as-of 2024-01-01] [--models risk-model-2,risk-model-3]
import { Command } from 'commander';
import { generateHistory, HISTORY_DEFAULTS } from '../cli/backtest/history.js';
import { computeBaseline } from '../shared/domain/baseline.js';
import { groupBy } from '../shared/domain/collections.js';
import { knownAt } from '../shared/domain/known-at.js';
import { isCareHome, type RiskAssessment } from '../shared/domain/model.js';
import { riskModel } from '../shared/domain/risk-model.js';
import { scoreMarket } from '../shared/domain/score-market.js';

const options = new Command()
  .option('--seed <n>', 'seed of the history generator', (v) => Number.parseInt(v, 10), HISTORY_DEFAULTS.seed)
  .option('--locations <n>', 'locations in the market', (v) => Number.parseInt(v, 10), HISTORY_DEFAULTS.locations)
  .option('--as-of <date>', 'the date to score as of', '2024-01-01')
  .option('--models <versions>', 'comma-separated model versions', 'risk-model-2,risk-model-3')
  .parse()
  .opts<{ seed: number; locations: number; asOf: string; models: string }>();

const history = generateHistory({ seed: options.seed, locations: options.locations, from: HISTORY_DEFAULTS.from, months: HISTORY_DEFAULTS.months });
const { asOf } = options;
const failedOn = new Map(history.events.map((e) => [e.locationId, e.on]));
// The live market on the day: registered, not yet deregistered, not yet failed.
const population = history.locations.filter((l) => l.registeredOn <= asOf && !((l.deregisteredOn ?? '9999-12-31') <= asOf) && !((failedOn.get(l.locationId) ?? '9999-12-31') <= asOf));
const known = knownAt(history.signals, asOf);
const signalsByLocation = groupBy(known, (s) => (s.subject.type === 'location' ? s.subject.id : null));
const signalsByProvider = groupBy(known, (s) => (s.subject.type === 'provider' ? s.subject.id : null));
const links = history.links.filter((l) => l.receivedOn <= asOf);
const market = { locations: population, providers: history.providers, groups: history.groups, signalsByLocation, signalsByProvider, links };

const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)}% (${n.toLocaleString('en-GB')} of ${of.toLocaleString('en-GB')})`;
const highReasons = (a: RiskAssessment) => a.flags.filter((f) => f.startsWith('High impact: ') || f.startsWith('Band raised from '));
const reasonKind = (flag: string) => (flag.includes('% of the council') ? 'share of beds' : flag.includes('admittable vacancies') ? 'residents over vacancies' : 'scarce specialism');

console.log(`Market of seed ${options.seed} as of ${asOf}: ${population.length.toLocaleString('en-GB')} live locations, ${population.filter(isCareHome).length.toLocaleString('en-GB')} care homes`);
for (const version of options.models.split(',')) {
  const model = riskModel(version);
  const baseline = computeBaseline({ asOf, locations: population, signalsByLocation, scarceSpecialisms: model.impact.scarceSpecialisms });
  const { locations, providers } = scoreMarket(market, asOf, model, baseline);
  const high = locations.filter((a) => a.impact === 'High');
  const byReason = new Map<string, number>();
  for (const a of high) for (const kind of new Set(highReasons(a).flatMap((f) => f.split('; ').map(reasonKind)))) byReason.set(kind, (byReason.get(kind) ?? 0) + 1);
  const raised = locations.filter((a) => a.flags.some((f) => f.startsWith('Band raised from ')));
  console.log(`\n${version}`);
  console.log(`  High impact: ${pct(high.length, locations.length)} of locations; ${[...byReason].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  console.log(`  Red ${pct(locations.filter((a) => a.band === 'Red').length, locations.length)}, Amber ${pct(locations.filter((a) => a.band === 'Amber').length, locations.length)}`);
  console.log(`  bands raised by impact (flagged): ${raised.length}; providers High impact ${pct(providers.filter((a) => a.impact === 'High').length, providers.length)}`);
}
