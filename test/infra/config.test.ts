// The deployment configuration: the example is valid as it stands, and a placeholder or invalid value is
// refused with the key that holds it.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, type DeploymentConfig, loadDeploymentConfig, parseDeploymentConfig } from '../../infra/config/schema.js';
import { exampleConfig, tempDir } from './support.js';

/** The problems a configuration is refused with, or [] when it is accepted. */
function problems(config: unknown): string[] {
  try {
    parseDeploymentConfig(config, 'test.json');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

const withAuth = (auth: unknown) => ({ ...exampleConfig(), auth });

describe('deployment configuration', () => {
  it('accepts the documented example as it stands, with a user pool, three parties and an alarm mailbox', () => {
    // Act
    const config: DeploymentConfig = exampleConfig();

    // Assess
    expect(config.auth).toEqual({ createUserPool: true });
    expect(config.subscriptions.map((s) => s.party)).toEqual(['E08000003', 'adass-north-west', 'national-market-oversight']);
    expect(config.alarms.email).toMatch(/@/);
  });

  it('accepts an external https issuer with its audience', () => {
    // Act / Assess
    expect(problems(withAuth({ issuer: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Ab12Cd34E', audience: ['4vbd3jk8r2cqpl1p0fiu7cfl2k'] }))).toEqual([]);
  });

  it.each([
    ['https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_REPLACEME', 'REPLACE_ME'],
    ['https://cognito-idp.eu-west-2.amazonaws.com/REPLACE_ME', 'REPLACE_ME'],
    ['https://TODO', 'TODO'],
    ['https://<your issuer>', '<...>'],
    ['https://login.example.com/oauth2', 'example.com'],
  ])('refuses the placeholder issuer %s, naming auth.issuer', (issuer, what) => {
    // Act
    const found = problems(withAuth({ issuer, audience: ['care-market-api'] }));

    // Assess
    expect(found).toEqual([`auth.issuer: "${issuer}" is a placeholder (${what}); put the real value here`]);
  });

  it.each(['http://login.care-market.gov.uk/oauth2', 'login.care-market.gov.uk', 'ftp://login.care-market.gov.uk'])('refuses the issuer %s: it must be an https:// URL', (issuer) => {
    // Act
    const found = problems(withAuth({ issuer, audience: ['care-market-api'] }));

    // Assess
    expect(found).toEqual(['auth.issuer: must be an https:// URL']);
  });

  it('names every key holding a placeholder, anywhere in the file', () => {
    // Prepare
    const config = exampleConfig();
    const edited = {
      ...config,
      alarms: { email: 'ops@example.com' },
      subscriptions: [{ ...config.subscriptions[0]!, email: ['asc@sample-manchester.gov.uk', 'TODO'] }, ...config.subscriptions.slice(1)],
    };

    // Act
    const found = problems(edited);

    // Assess
    expect(found).toEqual([
      'alarms.email: "ops@example.com" is a placeholder (example.com); put the real value here',
      'subscriptions[0].email[1]: "TODO" is a placeholder (TODO); put the real value here',
    ]);
  });

  it.each([
    [{ party: 'Manchester', createQueue: true }, 'subscriptions[3].party: "Manchester" is no council GSS code'],
    [{ party: 'E99999999', createQueue: true }, 'subscriptions[3].party: "E99999999" is no council GSS code'],
    [{ party: 'E09000033' }, 'subscriptions[3]: names no e-mail address, SQS queue or HTTPS endpoint, and creates no queue'],
    [{ party: 'E09000033', sqs: ['arn:aws:sqs:eu-west-2:123456789012:westminster.fifo'] }, 'subscriptions[3].sqs[0]: must be a standard (not FIFO) SQS queue ARN'],
    [{ party: 'E09000033', https: ['http://alerts.sample-westminster.gov.uk/'] }, 'subscriptions[3].https[0]: must be an https:// URL'],
    [{ party: 'E09000033', email: ['duty desk'] }, 'subscriptions[3].email[0]: must be an e-mail address'],
    [{ party: 'E08000003', createQueue: true }, 'subscriptions[3].party: "E08000003" is listed twice'],
  ])('refuses the subscription %j with its key', (subscription, message) => {
    // Prepare
    const config = exampleConfig();

    // Act
    const found = problems({ ...config, subscriptions: [...config.subscriptions, subscription] });

    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
  });

  it.each([
    [{ environment: 'Production' }, 'environment: must be 1-12 lower-case letters'],
    [{ aws: { region: 'London' } }, 'aws.region: must be an AWS region'],
    [{ aws: { region: 'eu-west-2', account: '1234' } }, 'aws.account: must be a 12-digit AWS account id'],
    [{ schedules: { score: '2am', heatmap: '03:00', escalate: '03:30', publishSweepMinutes: 15 } }, 'schedules.score: must be a time of day as HH:MM'],
    [{ protocolVersion: 'protocol-9' }, 'protocolVersion: unknown protocol version "protocol-9"'],
    [{ protocolVersion: 'protocol-1' }, 'protocolVersion: the functions address recipients under protocol-2'],
    [{ auth: { createUserPool: false } }, 'auth: must be {"createUserPool": true} or'],
    [{ alarms: { email: 'operations' } }, 'alarms.email: must be an e-mail address'],
    [{ surprise: true }, 'Unrecognized key: "surprise"'],
    [{ fetchSources: { at: '01:00', apiKeysSecretArn: 'care-market/api-keys' } }, 'fetchSources.apiKeysSecretArn: must be the full ARN of a Secrets Manager secret'],
  ])('refuses %j with its key', (change, message) => {
    // Act
    const found = problems({ ...exampleConfig(), ...change });

    // Assess
    expect(found.join('\n')).toContain(message);
  });

  it('reads a file and says which file and key are wrong', () => {
    // Prepare
    const file = path.join(tempDir('care-market-config-'), 'prod.json');
    writeFileSync(file, JSON.stringify(withAuth({ issuer: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_REPLACEME', audience: ['x'] })));

    // Act
    const load = () => loadDeploymentConfig(file, '/');

    // Assess
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(`${file} is not a usable deployment configuration:\n  auth.issuer: "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_REPLACEME" is a placeholder (REPLACE_ME)`);
  });

  it('says a file that is not JSON cannot be read', () => {
    // Prepare
    const file = path.join(tempDir('care-market-config-'), 'broken.json');
    writeFileSync(file, '{ "environment": ');

    // Act / Assess
    expect(() => loadDeploymentConfig(file, '/')).toThrow(/broken\.json is not a usable deployment configuration:\n {2}cannot be read as JSON/);
  });
});
