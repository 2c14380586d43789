#!/usr/bin/env node
// `npm run fit -- --real FILE`: fits the calibrated likelihood (risk-model-3) on training data only, the rating
// part on the training half of the real CQC rating file and the family part on the generated history's fit
// period, writes the frozen coefficients with their provenance and prints a summary with held-out AUCs.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { Calibration, probabilityBand, TREND_MONTHS } from '../../shared/domain/calibration.js';
import { BANDS } from '../../shared/domain/model.js';
import { riskModel } from '../../shared/domain/risk-model.js';
import { generateHistory, HISTORY_DEFAULTS } from '../backtest/history.js';
import { bandRuleText, chooseBands, type Coefficient, fitFamilyPart, fitRatingPart, L2 } from './fit.js';
import { familyRows, fitDates } from './history-part.js';
import { readRatingHistory, SCORED_QUARTERS } from '../backtest/real-history.js';
import { SPLIT_RULE } from './split.js';

const CALIBRATED_VERSION = 'risk-model-3';
/** The family scoring the features come from: risk-model-3's own (its safeguarding and impact rules). */
const FAMILY_SCORING_VERSION = CALIBRATED_VERSION;
/** The calibrated model's configuration, whose bands (100 x the cut-offs) are rewritten with each fit. */
const MODEL_CONFIG = 'shared/config/risk-model-v3.json';

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
};

const num = (value: number | null, digits = 3): string => (value === null ? 'n/a' : value.toFixed(digits));
const thousands = (value: number): string => value.toLocaleString('en-GB');
const coefficientLines = (list: readonly Coefficient[]): string[] =>
  list.map((c) => `  ${c.term.padEnd(32)} ${c.estimate.toFixed(3).padStart(8)}  (s.e. ${c.standardError.toFixed(3)})`);

/** The command as it can be typed again. */
const commandLine = (): string => ['npm run fit --', ...process.argv.slice(2).map((a) => (/^[\w./=:-]+$/.test(a) ? a : `'${a}'`))].join(' ');

interface Options {
  real: string;
  seed: number;
  locations: number;
  out: string;
  model: string;
  modelConfig: string;
}

async function run(options: Options): Promise<void> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const csv = await readFile(options.real, 'utf8');
  const sha256 = createHash('sha256').update(csv).digest('hex');
  const real = readRatingHistory(csv, { origin: options.real, receivedOn: new Date().toISOString().slice(0, 10) });
  for (const bad of real.quarantine) console.log(`  quarantined row ${bad.row}: ${bad.field}: ${bad.reason}`);
  const rating = fitRatingPart(real.locations);
  console.log(`Rating part: ${thousands(rating.training.rows)} training location-quarters, ${rating.training.positives} rated Inadequate within 12 months (${elapsed()})`);

  const model = riskModel(options.model);
  const { from, months } = HISTORY_DEFAULTS;
  console.log(`Generating ${thousands(options.locations)} locations over ${months} months from ${from} (seed ${options.seed})`);
  const history = generateHistory({ seed: options.seed, locations: options.locations, from, months });
  const dates = fitDates(history);
  console.log(`Scoring under ${model.version} on ${dates[0]} to ${dates[dates.length - 1]} and ${TREND_MONTHS} months before each, for the trends (${elapsed()})`);
  const rows = familyRows(history, model, (line) => console.log(line));
  const family = fitFamilyPart(rows, rating.part);
  const bands = chooseBands(family.probabilities.map((p, i) => ({ p, positive: rows[i]!.positive })));

  const calibration = Calibration.parse({
    version: CALIBRATED_VERSION,
    fittedOn: {
      date: new Date().toISOString().slice(0, 10),
      command: commandLine(),
      data: [
        {
          part: 'rating',
          source: `${basename(options.real)} (sha256 ${sha256})`,
          description: `Location-quarters on the 1st of each quarter ${SCORED_QUARTERS[0]} to ${SCORED_QUARTERS.at(-1)}: registered, rated, not currently Inadequate; positive when rated Inadequate in the next 12 months.`,
          split: `${SPLIT_RULE}; fitted on the training half only`,
          rows: rating.training.rows,
          positives: rating.training.positives,
        },
        {
          part: 'family',
          source: `generated history (cli/backtest/history.ts), seed ${options.seed}, ${options.locations} locations, ${history.from} to ${history.to}`,
          description: `Location-months on the 1st of each month ${dates[0]} to ${dates[dates.length - 1]} (the fit period 2021-2022 after the backtest's 12-month warm-up), scored by ${model.version}'s family scoring with each outcome's own signals withheld; positive when a failure (Inadequate rating, closure, insolvency) follows within 12 months.`,
          split: 'training seed and fit period only; other seeds and 2023-2024 are left for reporting',
          rows: family.training.rows,
          positives: family.training.positives,
        },
      ],
    },
    target: 'failure within 12 months',
    ratingPart: rating.part,
    familyPart: { familyScoresFrom: model.version, ...family.part },
    bands: { ...bands, rule: bandRuleText() },
    evaluation: {
      ratingPartTrainingAuc: rating.training.auc,
      ratingPartHeldOutAuc: rating.heldOut.auc,
      naiveHeldOutAuc: rating.heldOut.naiveAuc,
      familyPartTrainingAuc: family.training.auc,
      familyScoringLikelihoodTrainingAuc: family.training.likelihoodAuc,
    },
    notes: [
      `Logistic regressions by Newton's method with an L2 penalty of ${L2} on every coefficient but the intercepts (cli/fit/logistic.ts).`,
      "Log-odds = the service kind's intercept + the rating part's log-odds (its intercept and rating features; unratedLogOdds for a location never rated) + the family coefficients x the family features.",
      'The rating part leaves out key questions (the real file has overall ratings only) and ownership (its For-profit / Third sector / Local Authority does not map onto Provider.ownershipType, which is Organisation / Individual / Partnership).',
      'A currently Inadequate location is outside the rating part\'s population; it takes the Requires improvement coefficient, and its hard trigger pins it Red whatever the probability.',
      'The quality family enters the family part without its rating factors (the rating part covers them): only placement embargoes and CQC enforcement.',
      'Trends compare with the location\'s assessment 6 months earlier, scored from the signals known then; the fit\'s first six dates compare with scores from the warm-up year.',
      'The family part is fitted on generated outcomes, not real ones: its coefficients say what the generator\'s story makes of each family.',
    ],
  });
  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(calibration, null, 2)}\n`);
  // The model's bands are the cut-offs in its likelihood's units; loading it checks that they agree.
  const config = JSON.parse(await readFile(options.modelConfig, 'utf8')) as { bands: { amberFrom: number; redFrom: number } };
  config.bands = { amberFrom: Math.round(1000 * bands.amberFrom) / 10, redFrom: Math.round(1000 * bands.redFrom) / 10 };
  await writeFile(options.modelConfig, `${JSON.stringify(config, null, 2)}\n`);

  const shares = BANDS.map((band) => {
    const n = family.probabilities.filter((p) => probabilityBand(p, calibration) === band).length;
    return `${band} ${((100 * n) / family.probabilities.length).toFixed(1)}%`;
  });
  for (const line of [
    '',
    `Rating part (real file, training half): rated Inadequate within 12 months`,
    ...coefficientLines(rating.coefficients),
    `  unrated log-odds (training base rate)  ${rating.part.unratedLogOdds.toFixed(3)}`,
    `  AUC, training half:  ${num(rating.training.auc)} (naive: current rating alone ${num(rating.training.naiveAuc)}) over ${thousands(rating.training.rows)} location-quarters, ${rating.training.positives} events`,
    `  AUC, held-out half:  ${num(rating.heldOut.auc)} (naive: current rating alone ${num(rating.heldOut.naiveAuc)}) over ${thousands(rating.heldOut.rows)} location-quarters, ${rating.heldOut.positives} events`,
    '',
    `Family part (generated history, seed ${options.seed}): failure within 12 months, rating log-odds as offset`,
    ...coefficientLines(family.coefficients),
    `  AUC, training: ${num(family.training.auc)} over ${thousands(family.training.rows)} location-months, ${thousands(family.training.positives)} followed by a failure; rating part alone ${num(family.training.ratingOnlyAuc)}; ${model.version}'s likelihood ${num(family.training.likelihoodAuc)}`,
    '',
    'Standard errors treat rows as independent; the rows of one location are not, so they understate.',
    '',
    `Bands: Amber from p = ${num(bands.amberFrom, 4)}, Red from p = ${num(bands.redFrom, 4)} (${bandRuleText()})`,
    `  training location-months: ${shares.join(', ')}`,
    '',
    `Wrote ${options.out} and the bands of ${options.modelConfig}. Done in ${elapsed()}.`,
  ]) {
    console.log(line);
  }
}

const program = new Command()
  .name('fit')
  .description('fit the calibrated likelihood (risk-model-3) on training data only and write its coefficients')
  .requiredOption('--real <file>', 'the real CQC rating history (community-services-ratings.csv)')
  .option('--seed <n>', 'seed of the generated history (training seed)', positiveInt, HISTORY_DEFAULTS.seed)
  .option('--locations <n>', 'number of locations in the generated history', positiveInt, HISTORY_DEFAULTS.locations)
  .option('--out <file>', 'where to write the calibration', 'shared/config/risk-model-v3-calibration.json')
  .option('--model <version>', 'risk model version whose family scoring makes the features', FAMILY_SCORING_VERSION)
  .option('--model-config <file>', 'the calibrated model configuration whose bands to rewrite', MODEL_CONFIG)
  .action(run);

await program.parseAsync();
