import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Work that takes minutes whatever the machine (the CLI's own cdk synth): `npm run test:slow`, also run by .ci/run.
    exclude: ['test/slow/**', 'node_modules/**'],
    // Integration tests start DynamoDB Local (a JVM) and fauxqs; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  },
});
