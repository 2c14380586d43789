// CDK entry point (cdk.json: `npx tsx infra/app.ts`).
import { App } from 'aws-cdk-lib';
import { applyNagChecks } from './nag.js';
import { CareMarketStack } from './stack.js';

const app = new App();
new CareMarketStack(app, 'CareMarketEarlyWarning', {
  description: 'Care market early-warning pipeline for English councils',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
applyNagChecks(app);
app.synth();
