// CDK entry point (cdk.json: `npx tsx infra/app.ts`). The deployment configuration comes from
// `-c config=FILE` (default infra/config/example.json); a placeholder or invalid value stops synthesis
// with the key that holds it.
import { App } from 'aws-cdk-lib';
import { ConfigError, DEFAULT_CONFIG_PATH, loadDeploymentConfig } from './config/schema.js';
import { PROJECT_ROOT } from './constructs/pipeline-functions.js';
import { applyNagChecks } from './nag.js';
import { CareMarketStack } from './stack.js';

const app = new App();
const file = String(app.node.tryGetContext('config') ?? DEFAULT_CONFIG_PATH);
let config;
try {
  config = loadDeploymentConfig(file, PROJECT_ROOT);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // The problems alone, without a stack trace: each names its key.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
new CareMarketStack(app, 'CareMarketEarlyWarning', {
  stackName: `CareMarketEarlyWarning-${config.environment}`,
  description: `Care market early-warning pipeline for English councils (${config.environment})`,
  env: { region: config.aws.region, ...(config.aws.account ? { account: config.aws.account } : {}) },
  config,
});
applyNagChecks(app);
app.synth();
