import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that only read the bundled sample's run another file makes (test/support/sample-run.ts): they go last, so
 * they find it made instead of waiting for it with a worker idle. The browser walk, which makes it, starts early.
 */
const READ_THE_SAMPLE_RUN = ['test/integration/pipeline.test.ts'];

class SampleRunReadersLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const reads = (file: TestSpecification) => READ_THE_SAMPLE_RUN.some((path) => file.moduleId.endsWith(path));
    return [...sorted.filter((file) => !reads(file)), ...sorted.filter(reads)];
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/slow runs with `npm run test:slow` (vitest.slow.config.ts).
    exclude: [...configDefaults.exclude, 'test/slow/**'],
    // Integration tests start DynamoDB Local (a JVM) and fauxqs; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits up to 1 s by default: a page or a queue can take longer on a loaded machine.
    expect: { poll: { timeout: 30_000 } },
    // A folder for the run, shared by its files: the bundled sample's run (test/support/sample-run.ts), the replays' state.
    globalSetup: ['test/support/global-setup.ts'],
    sequence: { sequencer: SampleRunReadersLast },
    fileParallelism: true,
    // Three on two cores: a file waiting on its engines (a JVM, fauxqs, Chromium) leaves a core to another file.
    // Measured here: 185 s with two, 174 s with three.
    maxWorkers: 3,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
      // For every DynamoDB Local JVM the tests start (it inherits the environment; so do the replays' processes):
      // no telemetry, which loads an AWS SDK client at each start and stop to report to a network the tests do not
      // have, and only the JIT's first tier, since for an engine living seconds to minutes the second tier costs
      // more CPU than it earns back (a quarter less CPU for the same requests, on 2 cores).
      DDB_LOCAL_TELEMETRY: '0',
      JDK_JAVA_OPTIONS: '-XX:TieredStopAtLevel=1',
    },
  },
});
