#!/usr/bin/env node
// `npm run backtest`: generates a multi-year market history with known outcomes, replays it through the
// current risk model and reports how early and how rightly the model warned, against its targets.
import { CURRENT_MODEL_VERSION, riskModel } from '../../shared/domain/risk-model.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { Threshold } from '../../shared/domain/backtest-metrics.js';
import { type BacktestReport, runBacktest } from './backtest.js';
import { generateHistory, HISTORY_DEFAULTS } from './history.js';
import { runRealBacktest } from './real-report.js';

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
};

const pct = (value: number | null): string => (value === null ? 'n/a' : `${(100 * value).toFixed(1)}%`);
const num = (value: number | null, digits = 0): string => (value === null ? 'n/a' : value.toFixed(digits));
const thousands = (value: number): string => value.toLocaleString('en-GB');

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   '));
}

function summarise(report: BacktestReport): string[] {
  const { generator: g, counts, bands, parameters } = report;
  const w = parameters.windows;
  const per = (pick: (t: Threshold) => string): string[] => [pick('Red'), pick('Amber+')];
  const recallRow = (label: string, pick: (t: Threshold) => { warned: number; failures: number; recall: number | null }) =>
    [label, ...per((t) => `${pct(pick(t).recall)} (${pick(t).warned}/${pick(t).failures})`)];
  const kinds = Object.keys(bands.Red.byKind);
  const d = counts.deregistrations;
  const linkedBy = d.linked.byEvidence;
  return [
    `Backtest of ${report.modelVersion} on a generated market (seed ${g.seed}): ${thousands(g.locations)} locations (${thousands(g.registrations)} registrations), ${thousands(g.providers)} providers, ${g.groups} groups, ${thousands(g.signals)} signals, ${g.from} to ${g.to}`,
    `Events: ${counts.events} (${Object.entries(counts.eventsByKind).map(([k, n]) => `${k} ${n}`).join(', ')}); evaluated failures (${w.failuresFrom} to ${w.failuresTo}): ${counts.evaluatedFailures}, of which ${counts.evaluatedWithoutPrecursor} (${pct(counts.evaluatedWithoutPrecursor / Math.max(1, counts.evaluatedFailures))}) had no precursor`,
    `Deregistrations, split by kind: ${d.total}; ${d.closures} closures (failures), ${d.reRegistrations.total} re-registrations (${d.reRegistrations.byKind['ownership-change']} changes of owner, ${d.reRegistrations.byKind.move} moves; not failures)`,
    `  linked to a successor: ${d.linked.total} (CQC relationship ${linkedBy['cqc-relationship']}, same UPRN ${linkedBy['same-uprn']}, same postcode and similar name ${linkedBy['same-postcode-similar-name']}); re-registrations unlinked ${d.unlinked}, wrong links ${d.wrongLinks}`,
    `Scored on ${parameters.scoredOn} (${parameters.scoringDates} dates, ${thousands(counts.locationMonthsScored)} location-months); alarms counted ${w.alarmsFrom} to ${w.alarmsTo}; horizon ${parameters.horizonMonths} months`,
    '',
    ...table([
      ['metric', 'Red', 'Amber+'],
      recallRow('recall', (t) => bands[t].recall),
      recallRow('  with precursor', (t) => bands[t].withPrecursor),
      recallRow('  without precursor', (t) => bands[t].withoutPrecursor),
      ...kinds.map((k) => recallRow(`  ${k}`, (t) => bands[t].byKind[k] ?? { warned: 0, failures: 0, recall: null })),
      ['precision (first warning, 12 months)', ...per((t) => `${pct(bands[t].precision.precision)} (${bands[t].precision.failedWithinHorizon}/${bands[t].precision.warnedLocations})`)],
      ['false alarms per 1,000 location-months', ...per((t) => num(bands[t].falseAlarms.per1000LocationMonths, 1))],
      ['lead time, median (days)', ...per((t) => num(bands[t].leadTimeDays.median))],
      ['lead time, 25th percentile (days)', ...per((t) => num(bands[t].leadTimeDays.p25))],
    ]),
    '',
    `AUC of the likelihood: ${num(report.auc.value, 3)} (${thousands(report.auc.locationMonths)} location-months, ${thousands(report.auc.positives)} followed by an event within ${parameters.horizonMonths} months)`,
    `Ceiling on this history (a model that knew each failure's run-up from its first day, and nothing of sudden failures): recall ${pct(report.ceilings.recall)}, median lead ${num(report.ceilings.medianLeadDays)} days, AUC ${num(report.ceilings.auc, 3)}`,
    '',
    'Targets',
    ...table(report.targets.map((t) => [`  ${t.target} >= ${t.required < 1 ? pct(t.required) : t.required}`, t.required < 1 ? pct(t.value) : num(t.value), t.met ? 'met' : 'NOT met'])),
  ];
}

const program = new Command()
  .name('backtest')
  .description('replay a generated multi-year care market history through the risk model and report how early and how rightly it warns')
  .option('--seed <n>', 'seed of the history generator', positiveInt, HISTORY_DEFAULTS.seed)
  .option('--locations <n>', 'number of locations in the market', positiveInt, HISTORY_DEFAULTS.locations)
  .option('--out <dir>', 'where to write backtest.json', 'out')
  .option('--model <version>', 'risk model version to replay', CURRENT_MODEL_VERSION)
  .option('--real <file>', 'instead, backtest on a real CQC rating history in that file (writes backtest-real.json)')
  .option('--held-out', "with --real, only the locations outside the fit's training half")
  .action(async (options: { seed: number; locations: number; out: string; model: string; real?: string; heldOut?: boolean }) => {
    if (options.real !== undefined) {
      await runRealBacktest({ file: options.real, out: options.out, model: options.model, heldOut: options.heldOut ?? false });
      return;
    }
    const started = Date.now();
    const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    console.log(`Generating ${thousands(options.locations)} locations over ${HISTORY_DEFAULTS.months} months from ${HISTORY_DEFAULTS.from} (seed ${options.seed})`);
    const history = generateHistory({ seed: options.seed, locations: options.locations, from: HISTORY_DEFAULTS.from, months: HISTORY_DEFAULTS.months });
    console.log(`  ${thousands(history.signals.length)} signals, ${history.events.length} failure events, ${history.reRegistrations.length} re-registrations (${elapsed()})`);
    console.log('Replaying month by month');
    const report = runBacktest(history, { model: riskModel(options.model), progress: (line) => console.log(line) });
    await mkdir(options.out, { recursive: true });
    const file = join(options.out, 'backtest.json');
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log('');
    for (const line of summarise(report)) console.log(line);
    console.log(`\nWrote ${file}. Done in ${elapsed()}.`);
  });

await program.parseAsync();
