// The CDK CLI as an engineer runs it: `npx cdk synth -c config=FILE` offline, and a placeholder refused
// before anything is built, with the key named.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/pipeline-functions.js';
import { exampleConfig, tempDir } from '../infra/support.js';

const run = promisify(execFile);
const cdk = (args: string[]) =>
  run('npx', ['cdk', 'synth', '--quiet', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' },
    timeout: 280_000,
    maxBuffer: 16 * 1024 * 1024,
  });

describe('cdk CLI', () => {
  it('synthesizes the example configuration offline with `npx cdk synth -c config=infra/config/example.json --quiet`', async () => {
    // Prepare
    const output = tempDir('care-market-cli-');

    // Act
    const result = await cdk(['-c', 'config=infra/config/example.json', '--output', output]);
    const templates = readdirSync(output).filter((name) => name.endsWith('.template.json'));

    // Assess
    expect(result.stderr).not.toMatch(/docker/i);
    expect(result.stderr).not.toMatch(/AwsSolutions-/);
    expect(templates).toEqual(['CareMarketEarlyWarning.template.json']);
    const template = JSON.parse(readFileSync(path.join(output, templates[0]!), 'utf8')) as { Resources: Record<string, { Type: string }> };
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule')).toHaveLength(4);
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::Cognito::UserPool')).toHaveLength(1);
  });

  it('refuses a configuration with a placeholder issuer, naming auth.issuer, and builds nothing', async () => {
    // Prepare
    const dir = tempDir('care-market-cli-config-');
    const file = path.join(dir, 'placeholder.json');
    writeFileSync(file, JSON.stringify({ ...exampleConfig(), auth: { issuer: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_REPLACEME', audience: ['care-market-recipients'] } }));

    // Act
    const failure = await cdk(['-c', `config=${file}`, '--output', path.join(dir, 'out')]).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );

    // Assess
    expect(failure?.code).not.toBe(0);
    expect(failure?.stderr).toContain('auth.issuer: "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_REPLACEME" is a placeholder (REPLACE_ME)');
    expect(failure?.stderr).not.toMatch(/Bundling asset/);
  });
});
