// Least privilege and sign-in, read off the synthesized templates: every IAM statement in them, each
// function's grants on the table, the audit trail's deny, the user pool's admin-only attributes, and an
// external issuer and subscriptions taken from the configuration.
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentConfig } from '../../infra/config/schema.js';
import { PIPELINE_FUNCTION_NAMES, type PipelineFunctionName } from '../../infra/constructs/pipeline-functions.js';
import { everyPolicyStatement, exampleConfig, logicalId, roleStatements, type Statement, type Synthesized, synthesize } from './support.js';

/** The only actions that may (because they must) have `Resource: "*"`. */
const STAR_RESOURCE_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'dynamodb:ListStreams'];

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:care-market/api-keys-AbC123';

const actionsOf = (statement: Statement): string[] => [statement.Action].flat();
const resourcesOf = (statement: Statement): unknown[] => [statement.Resource].flat();

/** The example, with an external issuer, a party's own queue (another account) and HTTPS endpoint, and the source fetcher. */
function externalConfig(): DeploymentConfig {
  const example = exampleConfig();
  return {
    ...example,
    auth: { issuer: 'https://login.care-market-recipients.gov.uk/oauth2', audience: ['care-market-api'] },
    fetchSources: { at: '01:00', apiKeysSecretArn: SECRET_ARN },
    subscriptions: [
      ...example.subscriptions.filter((s) => s.party !== 'E08000003'),
      {
        party: 'E08000003',
        sqs: ['arn:aws:sqs:eu-west-2:210987654321:manchester-care-market-escalations'],
        https: ['https://alerts.sample-manchester.gov.uk/care-market'],
      },
    ],
  };
}

describe('least privilege and sign-in', () => {
  let example: Synthesized;
  let external: Synthesized;

  beforeAll(() => {
    // Prepare / Act: both synthesized with cdk-nag; the functions are not bundled (the template is the same)
    example = synthesize(exampleConfig(), { bundle: false });
    external = synthesize(externalConfig(), { bundle: false });
  });

  /** The Allow statements on the signal table of one function's role, as {actions, resources, leading keys}. */
  const tableGrants = (synthesized: Synthesized, name: PipelineFunctionName) => {
    const table = logicalId(synthesized.stack.signals.table);
    const fn = synthesized.stack.functions.all.find((f) => f.name === name);
    if (!fn) throw new Error(`no ${name} function in this stack`);
    return roleStatements(synthesized.template, logicalId(fn.role))
      .filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Resource).includes(`"${table}"`) && !JSON.stringify(s.Resource).includes('StreamArn'))
      .map((s) => ({
        actions: actionsOf(s).sort(),
        on: resourcesOf(s).map((r) => (JSON.stringify(r).includes('/index/') ? String(JSON.stringify(r).match(/index\/(\w+)/)?.[1]) : 'table')).sort(),
        leadingKeys: s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'],
      }));
  };

  describe('every IAM policy in the template (every role, CDK’s own included)', () => {
    it.each(['example', 'external'] as const)('has Resource "*" only for X-Ray and dynamodb:ListStreams (%s configuration)', (which) => {
      // Prepare
      const { template } = which === 'example' ? example : external;

      // Act
      const statements = everyPolicyStatement(template);
      const starred = statements.filter(({ statement }) => resourcesOf(statement).includes('*'));
      const offending = starred.flatMap(({ holder, statement }) => actionsOf(statement).filter((a) => !STAR_RESOURCE_ACTIONS.includes(a)).map((a) => `${holder}: ${a}`));

      // Assess
      expect(statements.length).toBeGreaterThan(30);
      expect(starred.length).toBeGreaterThan(0);
      expect(offending).toEqual([]);
    });

    it.each(['example', 'external'] as const)('names every action exactly: no wildcard such as dynamodb:* or s3:Get* (%s configuration)', (which) => {
      // Prepare
      const { template } = which === 'example' ? example : external;

      // Act
      const wildcards = everyPolicyStatement(template).flatMap(({ holder, statement }) => actionsOf(statement).filter((a) => a.includes('*') || a.includes('?')).map((a) => `${holder}: ${a}`));

      // Assess
      expect(wildcards).toEqual([]);
    });

    it('needs no custom resource: no CDK helper Lambda, no S3 notifications handler', () => {
      // Act
      const functions = Object.keys(example.template.findResources('AWS::Lambda::Function'));
      const customResources = Object.values(example.template.toJSON().Resources as Record<string, { Type: string }>).filter((r) => r.Type.startsWith('Custom::'));

      // Assess
      expect(functions.sort()).toEqual(example.stack.functions.all.map((f) => logicalId(f.function)).sort());
      expect(customResources).toEqual([]);
    });
  });

  describe('each function’s grants on the signal table', () => {
    it.each([
      [
        'ingest',
        [
          { actions: ['dynamodb:Query'], on: ['GSI1', 'GSI2', 'table'] },
          { actions: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:PutItem'], on: ['table'] },
          { actions: ['dynamodb:UpdateItem'], on: ['table'], leadingKeys: ['LOCATION#*', 'PROVIDER#*'] },
        ],
      ],
      ['score', [{ actions: ['dynamodb:Query'], on: ['GSI1', 'GSI2', 'table'] }, { actions: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem'], on: ['table'] }]],
      ['heatmap', [{ actions: ['dynamodb:Query'], on: ['GSI1', 'table'] }]],
      [
        'escalate',
        [
          { actions: ['dynamodb:GetItem'], on: ['table'] },
          { actions: ['dynamodb:Query'], on: ['GSI1', 'GSI2', 'table'] },
          { actions: ['dynamodb:PutItem'], on: ['table'], leadingKeys: ['LOCATION#*', 'PROVIDER#*', 'GROUP#*', 'EPISODE#*', 'AUDIT#*'] },
          { actions: ['dynamodb:UpdateItem'], on: ['table'], leadingKeys: ['OUTBOX#*'] },
          { actions: ['dynamodb:DeleteItem'], on: ['table'], leadingKeys: ['EPISODE#*'] },
        ],
      ],
      [
        'publish',
        [
          { actions: ['dynamodb:Query'], on: ['GSI2'] },
          { actions: ['dynamodb:PutItem'], on: ['table'], leadingKeys: ['AUDIT#*'] },
          { actions: ['dynamodb:UpdateItem'], on: ['table'], leadingKeys: ['OUTBOX#*'] },
          { actions: ['dynamodb:DeleteItem'], on: ['table'], leadingKeys: ['EPISODE#*'] },
        ],
      ],
      ['audit', [{ actions: ['dynamodb:Query'], on: ['table'], leadingKeys: ['AUDIT#*'] }, { actions: ['dynamodb:Query'], on: ['GSI1'] }]],
      ['dashboard', [{ actions: ['dynamodb:GetItem'], on: ['table'] }, { actions: ['dynamodb:Query'], on: ['GSI1', 'GSI2', 'table'] }]],
      ['acknowledge', [{ actions: ['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:Query'], on: ['table'], leadingKeys: ['EPISODE#*'] }]],
    ] as const)('%s gets exactly the actions its code uses', (name, expected) => {
      // Act
      const grants = tableGrants(example, name);

      // Assess
      expect(grants).toHaveLength(expected.length);
      for (const grant of expected) expect(grants).toContainEqual({ leadingKeys: undefined, ...grant, actions: [...grant.actions].sort() });
    });

    it('lets the internet-facing acknowledge function neither scan, update, delete nor batch-write anything', () => {
      // Act
      const actions = roleStatements(example.template, logicalId(example.stack.functions.acknowledge.role))
        .filter((s) => s.Effect === 'Allow')
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('dynamodb:'));

      // Assess
      expect(actions.sort()).toEqual(['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    });

    it.each(PIPELINE_FUNCTION_NAMES)('denies %s updating, deleting or batch-writing disclosure records (AUDIT#), and putting them unless it publishes', (name) => {
      // Prepare
      const writesAudit = name === 'escalate' || name === 'publish';

      // Act
      const deny = roleStatements(example.template, logicalId(example.stack.functions[name].role)).find((s) => s.Effect === 'Deny');

      // Assess
      expect(deny).toEqual({
        Sid: 'AuditTrailIsAppendOnly',
        Effect: 'Deny',
        Action: expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']),
        Resource: { 'Fn::GetAtt': [logicalId(example.stack.signals.table), 'Arn'] },
        Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*'] } },
      });
      expect(actionsOf(deny!).includes('dynamodb:PutItem')).toBe(!writesAudit);
    });
  });

  describe('sign-in with the stack’s own user pool', () => {
    it('lets only an administrator create users and set custom:role and custom:party: the app client cannot write them', () => {
      // Act
      const pool = example.template.findResources('AWS::Cognito::UserPool')[logicalId(example.stack.userPool!.userPool)];
      const client = example.template.findResources('AWS::Cognito::UserPoolClient')[logicalId(example.stack.userPool!.client)];

      // Assess
      expect(pool?.Properties).toMatchObject({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        Policies: { PasswordPolicy: { MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true } },
      });
      const schema = pool?.Properties.Schema as { Name: string; Mutable?: boolean }[];
      expect(schema).toEqual(expect.arrayContaining([expect.objectContaining({ Name: 'role', Mutable: true }), expect.objectContaining({ Name: 'party', Mutable: true })]));
      expect(client?.Properties.WriteAttributes).toBeDefined();
      expect(client?.Properties.WriteAttributes).not.toContain('custom:role');
      expect(client?.Properties.WriteAttributes).not.toContain('custom:party');
      expect(client?.Properties.WriteAttributes.some((a: string) => a.startsWith('custom:'))).toBe(false);
      expect(client?.Properties.ReadAttributes).toEqual(expect.arrayContaining(['custom:role', 'custom:party']));
      expect(client?.Properties).toMatchObject({ GenerateSecret: false, ExplicitAuthFlows: expect.arrayContaining(['ALLOW_USER_SRP_AUTH']) });
      expect(client?.Properties.ExplicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
    });

    it('outputs the pool and client ids an administrator needs', () => {
      // Act
      const outputs = example.template.findOutputs('*');

      // Assess
      expect(outputs).toMatchObject({
        UserPoolId: { Value: { Ref: logicalId(example.stack.userPool!.userPool) } },
        UserPoolClientId: { Value: { Ref: logicalId(example.stack.userPool!.client) } },
      });
    });
  });

  describe('an external issuer and subscriptions from the configuration', () => {
    it('trusts the configured issuer and audience, and creates no user pool', () => {
      // Act / Assess
      external.template.resourceCountIs('AWS::Cognito::UserPool', 0);
      expect(external.stack.userPool).toBeUndefined();
      external.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        JwtConfiguration: { Issuer: 'https://login.care-market-recipients.gov.uk/oauth2', Audience: ['care-market-api'] },
      });
    });

    it('subscribes the party’s own queue (by ARN) and HTTPS endpoint to all three topics with its filter policy', () => {
      // Act
      const subscriptions = Object.values(external.template.findResources('AWS::SNS::Subscription'));
      const manchester = subscriptions.filter((s) => JSON.stringify(s.Properties.FilterPolicy) === JSON.stringify({ recipient: ['E08000003'] }));

      // Assess
      expect(manchester.map((s) => [s.Properties.Protocol, s.Properties.Endpoint]).sort()).toEqual(
        [
          ...Array(3).fill(['https', 'https://alerts.sample-manchester.gov.uk/care-market']),
          ...Array(3).fill(['sqs', 'arn:aws:sqs:eu-west-2:210987654321:manchester-care-market-escalations']),
        ].sort(),
      );
      for (const topic of external.stack.escalations.topics) {
        for (const protocol of ['sqs', 'https']) {
          external.template.hasResourceProperties('AWS::SNS::Subscription', {
            Protocol: protocol,
            TopicArn: { Ref: logicalId(topic) },
            FilterPolicy: { recipient: ['E08000003'] },
            RawMessageDelivery: true,
            RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(external.stack.escalations.deliveryFailures), 'Arn'] } },
          });
        }
      }
      expect(external.stack.subscriptions.queues.has('E08000003')).toBe(false);
    });
  });

  describe('the source fetcher, when configured', () => {
    it('reads only its one secret, writes only new landed objects and queries only the provider collection', () => {
      // Prepare
      const fn = external.stack.functions.fetchSources!;

      // Act
      const statements = roleStatements(external.template, logicalId(fn.role)).filter((s) => s.Effect === 'Allow');
      const byAction = (action: string) => statements.filter((s) => actionsOf(s).includes(action));

      // Assess
      expect(byAction('secretsmanager:GetSecretValue').map((s) => s.Resource)).toEqual([SECRET_ARN]);
      expect(byAction('s3:PutObject').map((s) => s.Resource)).toEqual([{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(external.stack.landing.bucket), 'Arn'] }, '/*']] }]);
      expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:') || a.startsWith('secretsmanager:')).sort()).toEqual(['s3:PutObject', 'secretsmanager:GetSecretValue']);
      expect(tableGrants(external, 'fetch-sources')).toEqual([{ actions: ['dynamodb:Query'], on: ['GSI1'], leadingKeys: undefined }]);
      expect(roleStatements(external.template, logicalId(fn.role)).find((s) => s.Effect === 'Deny')?.Action).toContain('dynamodb:PutItem');
    });

    it('runs daily at the configured time, one run at a time, with the secret named and the Parameters and Secrets extension', () => {
      // Prepare
      const fn = external.stack.functions.fetchSources!;

      // Act
      const properties = external.template.findResources('AWS::Lambda::Function')[logicalId(fn.function)]?.Properties;

      // Assess
      expect(example.stack.functions.fetchSources).toBeUndefined();
      expect(properties).toMatchObject({
        Timeout: 900,
        ReservedConcurrentExecutions: 1,
        Environment: { Variables: { API_KEYS_SECRET_ARN: SECRET_ARN, LANDING_BUCKET: { Ref: logicalId(external.stack.landing.bucket) }, PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2773' } },
      });
      expect(JSON.stringify(properties?.Layers)).toContain('AWS-Parameters-and-Secrets-Lambda-Extension');
      external.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 1 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/London',
        Target: { Arn: { 'Fn::GetAtt': [logicalId(fn.function), 'Arn'] }, Input: JSON.stringify({ asOf: '<aws.scheduler.scheduled-time>' }) },
      });
    });
  });
});
