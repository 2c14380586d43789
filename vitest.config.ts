import { configDefaults, defineConfig } from 'vitest/config';

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
    fileParallelism: true,
    maxWorkers: 2,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  },
});
