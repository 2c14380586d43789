#!/usr/bin/env node
// The project's commands. `start` runs the whole pipeline locally on the embedded default sample.
import { Command, InvalidArgumentError } from 'commander';
import { JavaMissingError } from './local/engines.js';
import { DEFAULTS, runLocalPipeline } from './local/pipeline.js';
import { summarise } from './local/summary.js';

// The SDK warns that it will need Node 22 from 2027; Lambda runs nodejs22.x, and here it only adds noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The handlers' structured logs go to CloudWatch on AWS; locally the summary is what a person reads.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const isoDate = (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('expected a date such as 2025-10-15');
  return value;
};

const program = new Command().name('care-market').description('Care market early-warning pipeline');

program
  .command('start')
  .description('run the whole pipeline locally on DynamoDB Local and fauxqs, on the bundled sample, and write out/')
  .option('--as-of <date>', 'the date to assess the market as of', isoDate, DEFAULTS.asOf)
  .option('--seed <n>', 'seed of the sample generator', (v) => Number.parseInt(v, 10), DEFAULTS.seed)
  .option('--out <dir>', 'where to write the files', 'out')
  .option('--replay', 'land and process every file a second time, to show nothing new is stored or sent', false)
  .action(async (options: { asOf: string; seed: number; out: string; replay: boolean }) => {
    const started = Date.now();
    console.log(`Care market early warning: local run as of ${options.asOf}`);
    try {
      const result = await runLocalPipeline({ asOf: options.asOf, seed: options.seed, outDir: options.out, replay: options.replay, progress: (line) => console.log(line) });
      console.log('');
      for (const line of summarise(result)) console.log(line);
      console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    } catch (error) {
      if (error instanceof JavaMissingError) {
        console.error(error.message);
        process.exitCode = 2;
        return;
      }
      throw error;
    }
  });

await program.parseAsync();
