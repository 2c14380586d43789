#!/usr/bin/env node
// `npm run backtest`: generates a multi-year market history with known outcomes, replays it through the
// current risk model and reports how early and how rightly the model warned, against its targets.
import { CURRENT_MODEL_VERSION, riskModel } from '../../shared/domain/risk-model.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ratio, type RecallCount, type Threshold } from '../../shared/domain/backtest-metrics.js';
import { IsoDate, SERVICE_KINDS } from '../../shared/domain/model.js';
import { type BacktestReport, evaluationWindows, runBacktest } from './backtest.js';
import { RETURN_MONTHS } from './diagnostics.js';
import { FAILURE_KINDS, generateHistory, HISTORY_DEFAULTS } from './history.js';
import { runRealBacktest } from './real-report.js';

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
};

const isoDate = (value: string): IsoDate => {
  if (!IsoDate.safeParse(value).success) throw new InvalidArgumentError('expected a date, YYYY-MM-DD');
  return value;
};

const pct = (value: number | null): string => (value === null ? 'n/a' : `${(100 * value).toFixed(1)}%`);
const num = (value: number | null, digits = 0): string => (value === null ? 'n/a' : value.toFixed(digits));
const thousands = (value: number): string => value.toLocaleString('en-GB');
const share = (value: number | null, part: number, whole: number): string => `${pct(value)} (${part}/${whole})`;
const per = (pick: (t: Threshold) => string): string[] => [pick('Red'), pick('Amber+')];

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   '));
}

function summarise(report: BacktestReport): string[] {
  const { generator: g, counts, bands, parameters } = report;
  const w = parameters.windows;
  const recallRow = (label: string, pick: (t: Threshold) => RecallCount) => [label, ...per((t) => share(pick(t).recall, pick(t).warned, pick(t).failures))];
  const d = counts.deregistrations;
  const linkedBy = d.linked.byEvidence;
  return [
    `Backtest of ${report.modelVersion} on a generated market (seed ${g.seed}): ${thousands(g.locations)} locations (${thousands(g.registrations)} registrations), ${thousands(g.providers)} providers, ${g.groups} groups, ${thousands(g.signals)} signals, ${g.from} to ${g.to}`,
    `Events: ${counts.events} (${Object.entries(counts.eventsByKind).map(([k, n]) => `${k} ${n}`).join(', ')}); evaluated failures (${w.failuresFrom} to ${w.failuresTo}): ${counts.evaluatedFailures}, of which ${counts.evaluatedWithoutPrecursor} (${pct(counts.evaluatedWithoutPrecursor / Math.max(1, counts.evaluatedFailures))}) had no precursor`,
    `Deregistrations, split by kind: ${d.total}; ${d.closures} closures (failures), ${d.reRegistrations.total} re-registrations (${d.reRegistrations.byKind['ownership-change']} changes of owner, ${d.reRegistrations.byKind.move} moves; not failures)`,
    `  linked to a successor: ${d.linked.total} (CQC relationship ${linkedBy['cqc-relationship']}, same UPRN ${linkedBy['same-uprn']}, same postcode and similar name ${linkedBy['same-postcode-similar-name']}); re-registrations unlinked ${d.unlinked}, wrong links ${d.wrongLinks}`,
    `Scored on ${parameters.scoredOn} (${parameters.scoringDates} dates, ${thousands(counts.locationMonthsScored)} location-months); alarms counted ${w.alarmsFrom} to ${w.alarmsTo}; horizon ${parameters.horizonMonths} months`,
    ...(parameters.testFrom === null
      ? []
      : [`Test period from ${parameters.testFrom} (--from): failures and alarms before it are not judged; a warning before it still counts toward a failure after it`]),
    '',
    ...table([
      ['metric', 'Red', 'Amber+'],
      recallRow('recall', (t) => bands[t].recall),
      recallRow('  with precursor', (t) => bands[t].withPrecursor),
      recallRow('  without precursor', (t) => bands[t].withoutPrecursor),
      ...FAILURE_KINDS.map((k) => recallRow(`  ${k}`, (t) => report.breakdowns.byFailureKind[k][t])),
      ['precision (first warning, 12 months)', ...per((t) => `${pct(bands[t].precision.precision)} (${bands[t].precision.failedWithinHorizon}/${bands[t].precision.warnedLocations})`)],
      ['false alarms per 1,000 location-months', ...per((t) => num(bands[t].falseAlarms.per1000LocationMonths, 1))],
      ['lead time, median (days)', ...per((t) => num(bands[t].leadTimeDays.median))],
      ['lead time, 25th percentile (days)', ...per((t) => num(bands[t].leadTimeDays.p25))],
    ]),
    '',
    `AUC of the likelihood: ${num(report.auc.value, 3)} (${thousands(report.auc.locationMonths)} location-months, ${thousands(report.auc.positives)} followed by an event within ${parameters.horizonMonths} months)`,
    `Ceiling on this history (a model that knew each failure's run-up from its first day, and nothing of sudden failures): recall ${pct(report.ceilings.recall)}, median lead ${num(report.ceilings.medianLeadDays)} days, AUC ${num(report.ceilings.auc, 3)}`,
    `The service kind alone (each kind's share followed by an event, over these same location-months: in-sample): AUC ${num(report.kindAlone.auc, 3)} (${Object.entries(report.kindAlone.baseRates).map(([k, r]) => `${k} ${pct(r.rate)}`).join(', ')})`,
    '',
    ...heldAndFlicker(report),
    '',
    ...byServiceKind(report),
    '',
    ...calibration(report),
    '',
    'Targets',
    ...table(report.targets.map((t) => [`  ${t.target} >= ${t.required < 1 ? pct(t.required) : t.required}`, t.required < 1 ? pct(t.value) : num(t.value), t.met ? 'met' : 'NOT met'])),
  ];
}

function heldAndFlicker(report: BacktestReport): string[] {
  const { sustainedLead: held, flicker } = report;
  return table([
    ['warnings held and flickering', 'Red', 'Amber+'],
    ['sustained lead to the event, median (days)', ...per((t) => num(held[t].median))],
    ['sustained lead, 25th percentile (days)', ...per((t) => num(held[t].p25))],
    ['  warned failures still in band at the last score', ...per((t) => share(ratio(held[t].heldToEvent, held[t].warned), held[t].heldToEvent, held[t].warned))],
    [`returns to the band within ${RETURN_MONTHS} months per 1,000 location-months`, ...per((t) => num(flicker[t].returnsPer1000LocationMonths, 1))],
    ['episodes in the band lasting a single month', ...per((t) => share(flicker[t].singleMonthShare, flicker[t].singleMonthEpisodes, flicker[t].episodes))],
  ]);
}

function byServiceKind(report: BacktestReport): string[] {
  const kinds = report.breakdowns.byServiceKind;
  return table([
    ['by service kind', 'failures', 'Red recall', 'Red precision', 'Amber+ recall', 'Amber+ precision', 'AUC'],
    ...SERVICE_KINDS.map((k) => {
      const { Red: red, 'Amber+': amber } = kinds[k].bands;
      return [k, String(kinds[k].failures), pct(red.recall.recall), pct(red.precision.precision), pct(amber.recall.recall), pct(amber.precision.precision), num(kinds[k].auc, 3)];
    }),
  ]);
}

function calibration(report: BacktestReport): string[] {
  const c = report.calibration;
  const against = `likelihood / 100 against the share followed by a failure within ${report.parameters.horizonMonths} months`;
  const heading = c.likelihoodIs === 'probability' ? `Calibration: ${against}` : `Calibration, FOR COMPARISON ONLY (the likelihood is points, not a probability): ${against}`;
  return [
    `${heading}, over ${thousands(c.locationMonths)} alarm-window location-months`,
    `  ${c.note}`,
    ...table([
      ['  deciles', 'likelihood', 'location-months', 'events', 'predicted', 'observed'],
      ...c.bins.map((b) => [
        `  ${b.deciles[0] === b.deciles[1] ? b.deciles[0] : b.deciles.join('-')}`,
        `${num(100 * b.predicted.from, 1)}-${num(100 * b.predicted.to, 1)}`,
        thousands(b.locationMonths),
        thousands(b.events),
        pct(b.predicted.mean),
        pct(b.observed),
      ]),
    ]),
    `  Brier score ${num(c.brier, 4)}; a constant at the observed share (in-sample) ${num(c.baseRateBrier, 4)}`,
  ];
}

const program = new Command()
  .name('backtest')
  .description('replay a generated multi-year care market history through the risk model and report how early and how rightly it warns')
  .option('--seed <n>', 'seed of the history generator', positiveInt, HISTORY_DEFAULTS.seed)
  .option('--locations <n>', 'number of locations in the market', positiveInt, HISTORY_DEFAULTS.locations)
  .option('--out <dir>', 'where to write backtest.json', 'out')
  .option('--model <version>', 'risk model version to replay', CURRENT_MODEL_VERSION)
  .addOption(
    new Option('--from <date>', 'judge only failures and alarms from this date (YYYY-MM-DD): a test period, e.g. 2023-01-01 for a model fitted on 2021-2022')
      .argParser(isoDate)
      .conflicts('real'),
  )
  .option('--real <file>', 'instead, backtest on a real CQC rating history in that file (writes backtest-real.json)')
  .option('--held-out', "with --real, only the locations outside the fit's training half")
  .action(async (options: { seed: number; locations: number; out: string; model: string; from?: IsoDate; real?: string; heldOut?: boolean }) => {
    if (options.real !== undefined) {
      await runRealBacktest({ file: options.real, out: options.out, model: options.model, heldOut: options.heldOut ?? false });
      return;
    }
    const started = Date.now();
    const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    console.log(`Generating ${thousands(options.locations)} locations over ${HISTORY_DEFAULTS.months} months from ${HISTORY_DEFAULTS.from} (seed ${options.seed})`);
    const history = generateHistory({ seed: options.seed, locations: options.locations, from: HISTORY_DEFAULTS.from, months: HISTORY_DEFAULTS.months });
    console.log(`  ${thousands(history.signals.length)} signals, ${history.events.length} failure events, ${history.reRegistrations.length} re-registrations (${elapsed()})`);
    try {
      evaluationWindows(history, options.from);
    } catch (error) {
      // A test period outside the history: say so plainly, before the replay.
      program.error(`error: --from: ${(error as Error).message}`);
    }
    console.log('Replaying month by month');
    const report = runBacktest(history, { model: riskModel(options.model), testFrom: options.from, progress: (line) => console.log(line) });
    await mkdir(options.out, { recursive: true });
    const file = join(options.out, 'backtest.json');
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log('');
    for (const line of summarise(report)) console.log(line);
    console.log(`\nWrote ${file}. Done in ${elapsed()}.`);
  });

await program.parseAsync();
