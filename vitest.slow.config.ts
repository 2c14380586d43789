import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:slow`: tests whose work takes a minute or more on any machine (the CDK CLI synthesising the app
// in a subprocess, the deliveries replayed in subprocesses, the fault matrices, the national-scale escalations;
// the README lists them), kept out of `npm test` so it stays fast; .ci/run runs both. The base settings
// with their own files, not merged: merging would add these to the base's include and keep its exclude of them.
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/slow/**/*.test.ts'],
    exclude: ['node_modules/**'],
    // One subprocess synth can take several minutes on a loaded 2-core machine.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
