import { defineConfig } from 'vitest/config';

// The slow tests (`npm run test:slow`): the CDK CLI synthesising the app in a subprocess, bundling included.
// `npm test` keeps the in-process stack assertions; these prove the command an engineer types works.
export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
