// The bundled sample's run on real engines, once per `vitest run` however many files stand on it (the pipeline's
// end-to-end checks and the browser walk over the state it leaves): the first file to ask runs it, in its own
// worker, and writes what it found to the run's shared folder (test/support/global-setup.ts); a file asking later
// reads that, and one asking meanwhile waits for it. The run is the fullest the runner makes: every file landed
// twice (the second pass must store and send nothing new), its database kept in a state folder as `npm start`
// keeps it, and every line the handlers log captured at the most verbose level.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inject } from 'vitest';
import { DEFAULTS, type PipelineResult, runLocalPipeline } from '../../cli/local/pipeline.js';

export interface SampleRun {
  /** What the run wrote to its out folder. */
  outDir: string;
  /** The state folder holding its DynamoDB Local database, as `npm run serve` reads it. */
  stateDir: string;
  result: PipelineResult;
  /** Every line written to stdout or stderr during the run, progress lines included. */
  logged: string[];
}

/** How often a file waiting for another's run looks for it; the waiting is bounded by the hook's timeout. */
const POLL_MS = 250;

export async function sampleRun(): Promise<SampleRun> {
  const dir = join(inject('sharedDir'), 'sample-run');
  const paths = { outDir: join(dir, 'out'), stateDir: join(dir, 'state'), done: join(dir, 'done.json'), failed: join(dir, 'failed.txt') };
  try {
    // Whoever creates the folder runs the sample; mkdir fails for everyone else.
    await mkdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { outDir: paths.outDir, stateDir: paths.stateDir, ...(await ranElsewhere(paths)) };
  }
  try {
    const found = await runCapturingLogs(paths);
    await writeWhole(paths.done, JSON.stringify(found));
    return { outDir: paths.outDir, stateDir: paths.stateDir, ...found };
  } catch (error) {
    await writeWhole(paths.failed, String((error as Error)?.stack ?? error));
    throw error;
  }
}

/** Written under another name, then renamed: a waiting file never reads half of it. */
async function writeWhole(path: string, text: string): Promise<void> {
  await writeFile(`${path}.partial`, text);
  await rename(`${path}.partial`, path);
}

async function runCapturingLogs(paths: { outDir: string; stateDir: string }): Promise<Pick<SampleRun, 'result' | 'logged'>> {
  const logged: string[] = [];
  const level = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => (logged.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (logged.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const result = await runLocalPipeline({ asOf: DEFAULTS.asOf, seed: DEFAULTS.seed, ...paths, replay: true, progress: (line) => logged.push(line) });
    return { result, logged };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
    if (level === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = level;
  }
}

async function ranElsewhere(paths: { done: string; failed: string }): Promise<Pick<SampleRun, 'result' | 'logged'>> {
  for (;;) {
    const done = await readFile(paths.done, 'utf8').catch(() => undefined);
    if (done !== undefined) return JSON.parse(done) as Pick<SampleRun, 'result' | 'logged'>;
    const failed = await readFile(paths.failed, 'utf8').catch(() => undefined);
    if (failed !== undefined) throw new Error(`the sample run another test file started failed:\n${failed}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
