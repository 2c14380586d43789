// Each Lambda bundled as it would deploy (minified, only the AWS SDK left out, which the Node.js runtime
// provides), with its size and the time a fresh `node` takes to import it: the part of a cold start that is ours.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export interface Bundle {
  kb: number;
  coldImportMs: number;
  peakRssMb: number;
}

/** What the handlers read from their environment when loaded; nothing is called. */
const HANDLER_ENV = {
  AWS_REGION: 'eu-west-2',
  TABLE_NAME: 'care-market',
  LANDING_BUCKET: 'landing',
  OUTPUT_BUCKET: 'output',
  OUTBOX_DEAD_LETTER_QUEUE_URL: 'http://localhost/queue/dlq',
  TOPIC_ARN_LOCAL: 'arn:aws:sns:eu-west-2:111111111111:local',
  TOPIC_ARN_REGIONAL: 'arn:aws:sns:eu-west-2:111111111111:regional',
  TOPIC_ARN_NATIONAL: 'arn:aws:sns:eu-west-2:111111111111:national',
  CQC_API_KEY: 'unused',
  COMPANIES_HOUSE_API_KEY: 'unused',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

// Its peak memory is its own high-water mark (see peakRssMb): the rusage figure would be the bench's at the fork.
const IMPORT_PROBE = `import { readFileSync } from 'node:fs';
const t = performance.now(); await import(process.argv[1]); const ms = performance.now() - t;
const hwmKb = Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? process.resourceUsage().maxRSS);
process.stdout.write(JSON.stringify({ ms, rssMb: Math.round(hwmKb / 1024) }));`;

export async function measureBundles(root: URL): Promise<Record<string, Bundle>> {
  const functionsDir = new URL('functions/', root);
  const names = readdirSync(functionsDir).filter((name) => statSync(new URL(`${name}/handler.ts`, functionsDir), { throwIfNoEntry: false })?.isFile());
  // Inside the project, so the bundles resolve the AWS SDK from its node_modules as Lambda's runtime provides it.
  mkdirSync(new URL('out/', root), { recursive: true });
  const out = mkdtempSync(join(new URL('out/', root).pathname, '.bundles-'));
  try {
    const bundles: Record<string, Bundle> = {};
    for (const name of names.sort()) {
      const outfile = join(out, `${name}.mjs`);
      await build({
        entryPoints: [new URL(`${name}/handler.ts`, functionsDir).pathname],
        bundle: true,
        minify: true,
        platform: 'node',
        target: 'node22',
        format: 'esm',
        outfile,
        external: ['@aws-sdk/*'],
        // Some CommonJS dependencies call require(); ESM bundles need it defined.
        banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
        logLevel: 'error',
      });
      const probe = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_PROBE, pathToFileURL(outfile).href], {
        cwd: new URL('.', root).pathname,
        env: { ...process.env, ...HANDLER_ENV },
        encoding: 'utf8',
      });
      if (probe.status !== 0) throw new Error(`importing the ${name} bundle failed: ${probe.stderr.slice(-600)}`);
      const { ms, rssMb } = JSON.parse(probe.stdout) as { ms: number; rssMb: number };
      bundles[name] = { kb: Math.round(statSync(outfile).size / 1024), coldImportMs: Math.round(ms), peakRssMb: rssMb };
    }
    return bundles;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
