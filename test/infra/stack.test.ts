import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EscalationTopics } from '../../infra/constructs/escalation-topics.js';
import { PROJECT_ROOT, pipelineBundling } from '../../infra/constructs/pipeline-functions.js';
import { SignalTable } from '../../infra/constructs/signal-table.js';
import { applyNagChecks } from '../../infra/nag.js';
import type { CareMarketStack } from '../../infra/stack.js';
import { messageAttributes } from '../../shared/adapters/sns/notifier.js';
import { DEAD_LETTER_QUEUE_URL_ENV } from '../../shared/adapters/sqs/dead-letters.js';
import { REPLAY_DATE_ENV } from '../../shared/adapters/clock.js';
import { COUNCILS } from '../../shared/domain/councils.js';
import { decideEscalation } from '../../shared/domain/escalation.js';
import { ADASS_REGIONS } from '../../shared/domain/model.js';
import { type EscalationNotice, NOTICE_FORMATS, noticeOf } from '../../shared/domain/notice-folding.js';
import { DEFAULT_PROTOCOL, TIERS } from '../../shared/domain/protocol.js';
import { assessment, marketContext } from '../support/fixtures.js';
import { acknowledgements, cdkJsonContext, exampleConfig, findingsIgnoringAcknowledgements, logicalId, roleStatements, synthesize, tempDir } from './support.js';

const run = promisify(execFile);

/** A subscription filter policy as the template holds it. */
type FilterPolicy = Record<string, unknown[]>;

/**
 * SNS attribute matching for the exact-string allowlists the stack uses. Any other operator fails the test
 * rather than being guessed at: a new kind of policy needs its matching modelled here first.
 */
function matches(policy: FilterPolicy, attributes: ReturnType<typeof messageAttributes>): boolean {
  return Object.entries(policy).every(([name, allowed]) => {
    if (!allowed.every((value) => typeof value === 'string')) throw new Error(`filter operator not modelled: ${JSON.stringify(allowed)}`);
    const value = attributes[name]?.StringValue;
    return value !== undefined && allowed.includes(value);
  });
}

/**
 * The notice the publisher sends for the domain's message to every party the protocol can address (a Red
 * provider in every council and region), at every tier, in either format; each council's also as host and as
 * placing council, naming each region.
 */
function everyAddressedNotice(): EscalationNotice[] {
  const everywhere = assessment({ councils: COUNCILS.map((c) => c.gss), regions: [...ADASS_REGIONS], sharedAcrossCouncils: true });
  const decision = decideEscalation(everywhere, undefined, marketContext(), DEFAULT_PROTOCOL);
  const variants = (decision?.messages ?? []).flatMap((m) =>
    TIERS.flatMap((tier) =>
      m.recipient.kind === 'adass-network' || m.recipient.kind === 'national'
        ? [{ ...m, tier }]
        : (['host-council', 'placing-council'] as const).flatMap((kind) => ADASS_REGIONS.map((region) => ({ ...m, tier, region, recipient: { ...m.recipient, kind } }))),
    ),
  );
  return variants.flatMap((m) => NOTICE_FORMATS.map((format) => noticeOf([m], format)));
}

describe('CareMarketStack (the example configuration, bundled, synthesized with cdk-nag AwsSolutions)', () => {
  let app: App;
  let stack: CareMarketStack;
  let template: Template | undefined;
  let synthError: unknown;
  const tpl = (): Template => {
    if (!template) throw new Error(`synthesis failed: ${String(synthError)}`);
    return template;
  };
  /** A function's environment variables as the template holds them. */
  const env = (fn: { function: lambda.Function }) =>
    (tpl().findResources('AWS::Lambda::Function')[logicalId(fn.function)]?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
  /** The subscriptions to the three escalation topics (not the operators' alarm topic). */
  const escalationSubscriptions = (properties: Record<string, unknown> = {}) => {
    const topics = stack.escalations.topics.map((topic) => JSON.stringify({ Ref: logicalId(topic) }));
    return Object.values(tpl().findResources('AWS::SNS::Subscription', { Properties: properties })).filter((s) => topics.includes(JSON.stringify(s.Properties.TopicArn)));
  };
  /** The example configuration's in-stack queue for a party. */
  const inbox = (party: string) => {
    const subscriber = stack.subscriptions.queues.get(party);
    if (!subscriber) throw new Error(`the example configuration creates no queue for ${party}`);
    return subscriber;
  };

  beforeAll(() => {
    // Act: bundles the seven functions with esbuild and runs cdk-nag, which throws on any finding.
    try {
      ({ app, stack, template } = synthesize(exampleConfig(), { bundle: true }));
    } catch (error) {
      synthError = error;
    }
  });

  it('synthesizes with every cdk-nag finding acknowledged', () => {
    // Assess
    expect(synthError).toBeUndefined();
    expect(template).toBeDefined();
  });

  it('acknowledges only findings that actually occur, each with a reason', () => {
    // Prepare
    const acks = acknowledgements(app);
    const findings = findingsIgnoringAcknowledgements(app);

    // Act
    const stale = acks.filter(
      (ack) => !findings.some((f) => f.id === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`))),
    );

    // Assess
    expect(acks.length).toBeGreaterThan(0);
    expect(stale).toEqual([]);
  });

  describe('signal table', () => {
    it('has PK/SK, GSI1 and GSI2 (ALL), TTL expiresAt, NEW_AND_OLD_IMAGES stream, PITR and deletion protection', () => {
      // Prepare
      const table = {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith(
          ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        ),
        GlobalSecondaryIndexes: [1, 2].map((n) => ({
          IndexName: `GSI${n}`,
          KeySchema: [
            { AttributeName: `GSI${n}PK`, KeyType: 'HASH' },
            { AttributeName: `GSI${n}SK`, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      };

      // Act
      const tables = tpl().findResources('AWS::DynamoDB::Table');

      // Assess
      tpl().resourceCountIs('AWS::DynamoDB::Table', 1);
      tpl().hasResourceProperties('AWS::DynamoDB::Table', table);
      expect(Object.values(tables)[0]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });
  });

  describe('functions', () => {
    it('are exactly the seven pipeline functions, each nodejs22.x on arm64, traced, with TABLE_NAME and a log group', () => {
      // Prepare
      const pipeline = new Map(stack.functions.all.map((f) => [logicalId(f.function), f]));

      // Act
      const functions = tpl().findResources('AWS::Lambda::Function');
      const ours = Object.keys(functions);

      // Assess
      expect(ours.sort()).toEqual([...pipeline.keys()].sort());
      for (const id of ours) {
        expect(functions[id]?.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: { LogGroup: { Ref: logicalId(pipeline.get(id)!.logGroup) } },
          Environment: {
            Variables: {
              TABLE_NAME: { Ref: logicalId(stack.signals.table) },
              POWERTOOLS_SERVICE_NAME: `care-market-${pipeline.get(id)!.name}`,
              NODE_OPTIONS: '--enable-source-maps',
            },
          },
        });
      }
    });

    it('size ingest and score at 1024 MB, heat map, escalate and publish at 512 MB, the API functions at 256 MB', () => {
      // Prepare
      const expected = [
        [stack.functions.ingest, 1024, 300],
        [stack.functions.score, 1024, 600],
        [stack.functions.heatmap, 512, 120],
        [stack.functions.escalate, 512, 300],
        [stack.functions.publish, 512, 120],
        [stack.functions.audit, 256, 10],
        [stack.functions.acknowledge, 256, 10],
      ] as const;

      // Act
      const functions = tpl().findResources('AWS::Lambda::Function');

      // Assess
      for (const [fn, memory, timeout] of expected) {
        expect(functions[logicalId(fn.function)]?.Properties).toMatchObject({ MemorySize: memory, Timeout: timeout });
      }
    });

    it('bind their resources: landing bucket to ingest, output bucket to heat map, topic ARNs to escalate and publish', () => {
      // Act
      const ingest = env(stack.functions.ingest);
      const heatmap = env(stack.functions.heatmap);
      const publishers = [stack.functions.escalate, stack.functions.publish].map(env);
      const apiFunctions = [stack.functions.audit, stack.functions.acknowledge].map(env);

      // Assess
      expect(ingest.LANDING_BUCKET).toEqual({ Ref: logicalId(stack.landing.bucket) });
      expect(heatmap.OUTPUT_BUCKET).toEqual({ Ref: logicalId(stack.heatMaps.bucket) });
      for (const variables of publishers) {
        expect(variables).toMatchObject({
          TOPIC_ARN_LOCAL: { Ref: logicalId(stack.escalations.local) },
          TOPIC_ARN_REGIONAL: { Ref: logicalId(stack.escalations.regional) },
          TOPIC_ARN_NATIONAL: { Ref: logicalId(stack.escalations.national) },
        });
      }
      for (const variables of apiFunctions) expect(variables.TOPIC_ARN_LOCAL).toBeUndefined();
    });

    it('send failed asynchronous invocations of score, heat map, escalate and publish to an SQS on-failure destination', () => {
      // Prepare
      const scheduled = [stack.functions.score, stack.functions.heatmap, stack.functions.escalate, stack.functions.publish];

      // Act
      const configs = Object.values(tpl().findResources('AWS::Lambda::EventInvokeConfig'));

      // Assess
      expect(configs).toHaveLength(4);
      for (const fn of scheduled) {
        expect(fn.failures).toBeDefined();
        tpl().hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          FunctionName: { Ref: logicalId(fn.function) },
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(fn.failures!), 'Arn'] } } },
        });
      }
    });

    it('do not use the AWS managed basic execution role: logs are granted on their own log group only', () => {
      // Prepare
      const ingest = stack.functions.ingest;

      // Act
      const policies = tpl().findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: logicalId(ingest.role) }] },
      });

      // Assess
      tpl().hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        }),
        ManagedPolicyArns: Match.absent(),
      });
      expect(JSON.stringify(Object.values(policies))).toContain(
        JSON.stringify({
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [logicalId(ingest.logGroup), 'Arn'] },
        }),
      );
    });
  });

  describe('landing', () => {
    it('triggers the ingest function from the landing queue with partial batch responses', () => {
      // Prepare
      const mapping = {
        EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.landing.queue), 'Arn'] },
        FunctionName: { Ref: logicalId(stack.functions.ingest.function) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      };

      // Act
      const mappings = Object.values(tpl().findResources('AWS::Lambda::EventSourceMapping'));

      // Assess
      expect(mappings.filter((m) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify(mapping.FunctionName))).toHaveLength(1);
      tpl().hasResourceProperties('AWS::Lambda::EventSourceMapping', mapping);
    });

    it('rescores from the table stream on newly inserted signals only', () => {
      // Assess
      tpl().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.signals.table), 'StreamArn'] },
        FunctionName: { Ref: logicalId(stack.functions.score.function) },
        FilterCriteria: {
          Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { SK: { S: [{ prefix: 'SIGNAL#' }] } } } }) }],
        },
      });
    });

    it('queues every object created in the landing bucket with its own notification property (no custom resource), with a DLQ and a visibility timeout above ingest’s', () => {
      // Act
      const bucket = tpl().findResources('AWS::S3::Bucket')[logicalId(stack.landing.bucket)];
      const queue = tpl().findResources('AWS::SQS::Queue')[logicalId(stack.landing.queue)];
      const queuePolicy = Object.entries(tpl().findResources('AWS::SQS::QueuePolicy')).find(([, p]) => JSON.stringify(p.Properties.Queues).includes(logicalId(stack.landing.queue)));

      // Assess: dated deliveries (`<date>/...`) land outside the source prefixes, so no prefix filter
      tpl().resourceCountIs('Custom::S3BucketNotifications', 0);
      expect(bucket?.Properties.NotificationConfiguration).toEqual({
        QueueConfigurations: [{ Event: 's3:ObjectCreated:*', Queue: { 'Fn::GetAtt': [logicalId(stack.landing.queue), 'Arn'] } }],
      });
      expect(bucket?.DependsOn).toContain(queuePolicy?.[0]);
      expect(queuePolicy?.[1].Properties.PolicyDocument.Statement).toContainEqual({
        Sid: 'LandingBucketEvents',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [logicalId(stack.landing.queue), 'Arn'] },
        Condition: {
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::care-market-pilot-landing-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]] } },
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        },
      });
      expect(bucket?.Properties.BucketName).toEqual({ 'Fn::Join': ['', ['care-market-pilot-landing-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]] });
      expect(queue?.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        VisibilityTimeout: 1800,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.landing.deadLetterQueue), 'Arn'] } },
      });
    });

    it('keeps landed files and heat maps in versioned, encrypted, private, logged buckets', () => {
      // Prepare
      const buckets = [stack.landing.bucket, stack.heatMaps.bucket].map(logicalId);

      // Act
      const all = tpl().findResources('AWS::S3::Bucket');

      // Assess
      for (const id of buckets) {
        expect(all[id]).toMatchObject({
          DeletionPolicy: 'Retain',
          Properties: {
            VersioningConfiguration: { Status: 'Enabled' },
            BucketEncryption: {
              ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
            },
            PublicAccessBlockConfiguration: {
              BlockPublicAcls: true,
              BlockPublicPolicy: true,
              IgnorePublicAcls: true,
              RestrictPublicBuckets: true,
            },
            LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack.accessLogs.bucket) } },
          },
        });
      }
    });
  });

  describe('escalation topics', () => {
    it('are three topics encrypted with one rotating customer managed key', () => {
      // Prepare
      const keyId = logicalId(stack.escalations.key);

      // Act
      const all = tpl().findResources('AWS::SNS::Topic');
      const topics = stack.escalations.topics.map((topic) => all[logicalId(topic)]);

      // Assess: the fourth is the operators' alarm topic
      expect(Object.keys(all)).toHaveLength(4);
      for (const topic of topics) {
        expect(topic?.Properties).toMatchObject({ KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      }
      tpl().hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    it('deny non-TLS publishing on every topic (the alarm topic’s too)', () => {
      // Act
      const policies = Object.values(tpl().findResources('AWS::SNS::TopicPolicy'));

      // Assess
      expect(policies).toHaveLength(4);
      for (const policy of policies) {
        expect(JSON.stringify(policy.Properties)).toContain('"aws:SecureTransport":"false"');
      }
    });

    it('subscribe each configured queue to all three topics with raw delivery, redrive, and its own party’s filter', () => {
      // Prepare
      const expected = [
        ['E08000003', { recipient: ['E08000003'] }],
        ['adass-north-west', { recipientKind: ['adass-network'], region: ['North West'] }],
        ['national-market-oversight', { recipient: ['national-market-oversight'] }],
      ] as const;

      // Act
      const subscriptions = escalationSubscriptions();

      // Assess: three queues and two mailboxes, each on three topics
      expect(subscriptions).toHaveLength(15);
      for (const [party, filterPolicy] of expected) {
        for (const topic of stack.escalations.topics) {
          tpl().hasResourceProperties('AWS::SNS::Subscription', {
            Protocol: 'sqs',
            TopicArn: { Ref: logicalId(topic) },
            Endpoint: { 'Fn::GetAtt': [logicalId(inbox(party).queue), 'Arn'] },
            FilterPolicy: filterPolicy,
            FilterPolicyScope: Match.absent(),
            RawMessageDelivery: true,
            RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.escalations.deliveryFailures), 'Arn'] } },
          });
        }
      }
    });

    it('subscribe each configured mailbox to all three topics as plain text, with its own party’s filter', () => {
      // Prepare
      const mailboxes = exampleConfig().subscriptions.flatMap((s) => (s.email ?? []).map((address) => ({ party: s.party, address })));

      // Act
      const emails = escalationSubscriptions({ Protocol: 'email' });

      // Assess
      expect(mailboxes).toHaveLength(2);
      expect(emails).toHaveLength(6);
      for (const { address } of mailboxes) {
        for (const topic of stack.escalations.topics) {
          tpl().hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: address, TopicArn: { Ref: logicalId(topic) }, RawMessageDelivery: Match.absent() });
        }
      }
    });

    it('never let a configured subscription receive a message addressed to another recipient', () => {
      // Prepare: the notices to every party, at every tier, for councils as host or placing council and
      // naming any region, with the attributes the notifier publishes; each endpoint's party from the configuration
      const partyOfEndpoint = new Map<string, string>();
      for (const entry of exampleConfig().subscriptions) {
        for (const address of entry.email ?? []) partyOfEndpoint.set(JSON.stringify(address), entry.party);
        if (entry.createQueue) partyOfEndpoint.set(JSON.stringify({ 'Fn::GetAtt': [logicalId(inbox(entry.party).queue), 'Arn'] }), entry.party);
      }
      const attributeSets = everyAddressedNotice().map((n) => ({ recipient: n.recipient.id, attributes: messageAttributes(n) }));

      // Act
      const reach = escalationSubscriptions().map((subscription) => {
        const properties = subscription.Properties as { Endpoint: unknown; FilterPolicy?: FilterPolicy; FilterPolicyScope?: string };
        const policy = properties.FilterPolicy;
        const received = new Set(attributeSets.filter((m) => policy !== undefined && matches(policy, m.attributes)).map((m) => m.recipient));
        return { party: partyOfEndpoint.get(JSON.stringify(properties.Endpoint)), scope: properties.FilterPolicyScope, policy, received: [...received] };
      });

      // Assess
      expect(attributeSets.length).toBeGreaterThan(8000);
      expect(reach).toHaveLength(15);
      for (const { party, scope, policy, received } of reach) {
        expect(party).toBeDefined();
        expect(scope ?? 'MessageAttributes').toBe('MessageAttributes');
        expect(Object.keys(policy ?? {}).length).toBeLessThanOrEqual(5);
        expect(Object.values(policy ?? {}).reduce((combinations, values) => combinations * values.length, 1)).toBeLessThanOrEqual(150);
        expect(received, `${party}: ${JSON.stringify(policy)}`).toEqual([party]);
      }
    });

    it('use encrypted subscriber queues that redrive to their own DLQs', () => {
      // Prepare
      const subscribers = [...stack.subscriptions.queues.values()];

      // Act
      const queues = tpl().findResources('AWS::SQS::Queue');

      // Assess
      expect(subscribers).toHaveLength(3);
      for (const subscriber of subscribers) {
        expect(queues[logicalId(subscriber.queue)]?.Properties).toMatchObject({
          SqsManagedSseEnabled: true,
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(subscriber.deadLetterQueue), 'Arn'] } },
        });
      }
    });
  });

  describe('publisher', () => {
    it('is not run by the table stream, so it never races the escalate run and splits a day\'s notices', () => {
      // Act
      const mappings = Object.values(tpl().findResources('AWS::Lambda::EventSourceMapping')).filter(
        (m) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify({ Ref: logicalId(stack.functions.publish.function) }),
      );

      // Assess
      expect(mappings).toEqual([]);
    });

    it('may publish to the three topics with their key, the key actions named exactly', () => {
      // Act
      const statements = roleStatements(tpl(), logicalId(stack.functions.publish.role));

      // Assess
      expect(statements).toContainEqual({
        Action: 'sns:Publish',
        Effect: 'Allow',
        Resource: expect.arrayContaining(stack.escalations.topics.map((topic) => ({ Ref: logicalId(topic) }))),
      });
      expect(statements).toContainEqual({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logicalId(stack.escalations.key), 'Arn'] },
      });
    });

    it('runs one at a time (reserved concurrency 1), so a sweep never races another drain', () => {
      // Act / Assess
      expect(tpl().findResources('AWS::Lambda::Function')[logicalId(stack.functions.publish.function)]?.Properties.ReservedConcurrentExecutions).toBe(1);
    });
  });

  describe('escalation outbox', () => {
    const queueArn = () => ({ 'Fn::GetAtt': [logicalId(stack.outbox.deadLetters), 'Arn'] });

    it('dead-letters notices into an encrypted, TLS-only queue kept 14 days', () => {
      // Act
      const queue = tpl().findResources('AWS::SQS::Queue')[logicalId(stack.outbox.deadLetters)];
      const policies = Object.values(tpl().findResources('AWS::SQS::QueuePolicy')).filter((p) => JSON.stringify(p.Properties.Queues).includes(logicalId(stack.outbox.deadLetters)));

      // Assess
      expect(logicalId(stack.outbox.deadLetters)).toMatch(/^EscalationOutboxDeadLetters/);
      expect(queue).toMatchObject({ DeletionPolicy: 'Retain', Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 } });
      expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
    });

    it('gives escalate and publish its URL and the metrics namespace, and no other function', () => {
      // Prepare
      const drainers = [stack.functions.escalate, stack.functions.publish];
      const others = stack.functions.all.filter((fn) => !drainers.includes(fn));

      // Act
      const drainerVariables = drainers.map(env);
      const otherVariables = others.map(env);

      // Assess
      for (const variables of drainerVariables) {
        expect(variables).toMatchObject({
          [DEAD_LETTER_QUEUE_URL_ENV]: { Ref: logicalId(stack.outbox.deadLetters) },
          POWERTOOLS_METRICS_NAMESPACE: 'CareMarketEarlyWarning',
        });
      }
      for (const variables of otherVariables) expect(variables[DEAD_LETTER_QUEUE_URL_ENV]).toBeUndefined();
    });

    it('dates disclosures by the wall clock on AWS: no function is given the local replay\'s simulated day', () => {
      // Act
      const variables = stack.functions.all.map(env);

      // Assess
      expect(variables).toHaveLength(8);
      for (const v of variables) expect(v[REPLAY_DATE_ENV]).toBeUndefined();
    });

    it('may be sent to by escalate and publish only', () => {
      // Act
      const senders = Object.values(tpl().findResources('AWS::IAM::Policy'))
        .filter((policy) =>
          (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).some(
            // Statements with the same actions are merged (minimizePolicies): the queue may be one resource of several.
            (s) => [s.Action].flat().includes('sqs:SendMessage') && [s.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify(queueArn())),
          ),
        )
        .flatMap((policy) => policy.Properties.Roles as unknown[]);

      // Assess
      expect(senders).toHaveLength(2);
      expect(senders).toEqual(expect.arrayContaining([stack.functions.escalate.role, stack.functions.publish.role].map((role) => ({ Ref: logicalId(role) }))));
    });

    it('alarms on one message in the queue (maximum visible >= 1 over 5 minutes, missing data not breaching)', () => {
      // Act / Assess
      tpl().hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.outbox.deadLetters), 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 300,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'notBreaching',
        AlarmDescription: Match.stringLikeRegexp('failed to publish 3 times: see the outbox entries named in the messages'),
      });
    });

    it('alarms on NoticesDeadLettered from escalate or publish, as Powertools dimensions it (service), above 0', () => {
      // Prepare
      const metric = (service: string) => ({
        Namespace: 'CareMarketEarlyWarning',
        MetricName: 'NoticesDeadLettered',
        Dimensions: [{ Name: 'service', Value: service }],
      });

      // Act
      const alarm = tpl().findResources('AWS::CloudWatch::Alarm')[logicalId(stack.outbox.deadLetteredAlarm)];
      const queries = alarm?.Properties.Metrics as { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: { Metric: unknown; Stat: string; Period: number } }[];

      // Assess
      expect(alarm?.Properties).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', Threshold: 0, EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
      expect(queries.find((q) => q.ReturnData !== false)?.Expression).toBe('FILL(escalate, 0) + FILL(publish, 0)');
      for (const service of ['escalate', 'publish']) {
        expect(queries).toContainEqual({ Id: service, ReturnData: false, MetricStat: { Metric: metric(service), Stat: 'Sum', Period: 300 } });
      }
    });

    it('alarms on EscalationSubjectFailures from escalate above 0', () => {
      // Act / Assess
      tpl().hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'CareMarketEarlyWarning',
        MetricName: 'EscalationSubjectFailures',
        Dimensions: [{ Name: 'service', Value: 'escalate' }],
        Statistic: 'Sum',
        Period: 300,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    });
  });

  describe('escalation API', () => {
    it.each([
      ['POST /episodes/{episodeId}/acknowledgements', 'acknowledge'],
      ['GET /disclosures', 'audit'],
      ['GET /{proxy+}', 'dashboard'],
    ] as const)('routes %s to the %s function behind the JWT authorizer', (routeKey, name) => {
      // Prepare
      const api = logicalId(stack.api.api);
      const routes = Object.values(tpl().findResources('AWS::ApiGatewayV2::Route'));
      const integrations = tpl().findResources('AWS::ApiGatewayV2::Integration');

      // Act
      const route = routes.find((r) => r.Properties.RouteKey === routeKey);
      const target = JSON.stringify(route?.Properties.Target);
      const integration = Object.entries(integrations).find(([id]) => target.includes(id))?.[1];

      // Assess
      expect(routes).toHaveLength(4);
      expect(route?.Properties).toMatchObject({ ApiId: { Ref: api }, AuthorizationType: 'JWT', AuthorizerId: { Ref: expect.stringMatching(/Recipients/) } });
      expect(integration?.Properties).toMatchObject({
        ApiId: { Ref: api },
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [logicalId(stack.functions[name].function), 'Arn'] },
      });
    });

    it('opens only the dashboard map without a token, and has no route that signs anyone in', () => {
      // Prepare
      const routes = Object.values(tpl().findResources('AWS::ApiGatewayV2::Route'));

      // Act
      const open = routes.filter((r) => r.Properties.AuthorizationType !== 'JWT').map((r) => r.Properties.RouteKey);
      const signIn = routes.filter((r) => /dev|sign-?in|login/i.test(r.Properties.RouteKey));

      // Assess
      expect(open).toEqual(['GET /']);
      expect(signIn).toEqual([]);
      expect(JSON.stringify(tpl().findResources('AWS::Lambda::Function'))).not.toMatch(/DEV_SIGN_IN|dev-sign-in/i);
    });

    it('accepts ID tokens of the stack’s own user pool and app client from the Authorization header', () => {
      // Act / Assess
      tpl().resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
      tpl().hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        ApiId: { Ref: logicalId(stack.api.api) },
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Issuer: { 'Fn::Join': ['', ['https://cognito-idp.eu-west-2.amazonaws.com/', { Ref: logicalId(stack.userPool!.userPool) }]] },
          Audience: [{ Ref: logicalId(stack.userPool!.client) }],
        },
      });
    });

    it('throttles the stage and writes JSON access logs naming the route, the status and the calling party', () => {
      // Act
      const [stage] = Object.values(tpl().findResources('AWS::ApiGatewayV2::Stage'));
      const format = JSON.parse(String(stage?.Properties.AccessLogSettings.Format)) as Record<string, string>;

      // Assess
      expect(stage?.Properties).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
        AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [logicalId(stack.api.accessLogs), 'Arn'] } },
      });
      expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status', party: '$context.authorizer.claims.custom:party' });
    });
  });

  describe('schedules', () => {
    it.each([
      ['score', 'cron(0 2 * * ? *)'],
      ['heatmap', 'cron(0 3 * * ? *)'],
      ['escalate', 'cron(30 3 * * ? *)'],
    ] as const)('run %s daily at %s Europe/London with asOf, retries and a DLQ', (name, cron) => {
      // Prepare
      const fn = stack.functions[name];

      // Act / Assess
      tpl().hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: cron,
        ScheduleExpressionTimezone: 'Europe/London',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [logicalId(fn.function), 'Arn'] },
          Input: JSON.stringify({ asOf: '<aws.scheduler.scheduled-time>' }),
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack.schedules.deadLetterQueue), 'Arn'] } },
        },
      });
    });

    it('sweep the escalation outbox with the publisher every 15 minutes, with an empty event', () => {
      // Act / Assess
      tpl().hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(15 minutes)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': [logicalId(stack.functions.publish.function), 'Arn'] },
          Input: '{}',
          RetryPolicy: { MaximumRetryAttempts: 3 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack.schedules.deadLetterQueue), 'Arn'] } },
        },
      });
    });

    it('are exactly four', () => {
      tpl().resourceCountIs('AWS::Scheduler::Schedule', 4);
    });
  });

  describe('outputs', () => {
    it('name the table, the buckets, the three topics, the outbox dead-letter queue and the API', () => {
      // Act
      const outputs = tpl().findOutputs('*');

      // Assess
      expect(outputs).toMatchObject({
        TableName: { Value: { Ref: logicalId(stack.signals.table) } },
        LandingBucketName: { Value: { Ref: logicalId(stack.landing.bucket) } },
        HeatMapBucketName: { Value: { Ref: logicalId(stack.heatMaps.bucket) } },
        LocalTopicArn: { Value: { Ref: logicalId(stack.escalations.local) } },
        RegionalTopicArn: { Value: { Ref: logicalId(stack.escalations.regional) } },
        NationalTopicArn: { Value: { Ref: logicalId(stack.escalations.national) } },
        OutboxDeadLetterQueueUrl: { Value: { Ref: logicalId(stack.outbox.deadLetters) } },
        EscalationApiUrl: { Value: { 'Fn::Join': ['', expect.arrayContaining([{ Ref: logicalId(stack.api.api) }])] } },
      });
    });
  });
});

describe('cdk-nag wiring', () => {
  it('fails synthesis on an unacknowledged finding', () => {
    // Prepare
    const app = new App({ outdir: tempDir('care-market-nag-') });
    new sqs.Queue(new Stack(app, 'Bare'), 'NoDlqNoTls');
    applyNagChecks(app);

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).toThrow(/AwsSolutions-SQS3/);
  });
});

describe('construct methods', () => {
  it('SignalTable.addStreamConsumer attaches a function to the stream with partial failures and an on-failure DLQ', () => {
    // Prepare
    const app = new App({ context: cdkJsonContext(), outdir: tempDir('care-market-stream-') });
    const stack = new Stack(app, 'Stream');
    const table = new SignalTable(stack, 'Signals');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const fn = new lambda.Function(stack, 'Consumer', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
      role,
    });
    applyNagChecks(app);

    // Act
    table.addStreamConsumer(fn, { filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT') })] });
    const template = Template.fromJSON(app.synth().getStackArtifact(stack.artifactId).template);

    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(table.table), 'StreamArn'] },
      StartingPosition: 'LATEST',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
    });
  });

  it('EscalationTopics.subscribeCouncil filters all three topics on recipient = the council GSS code', () => {
    // Prepare
    const app = new App({ context: cdkJsonContext(), outdir: tempDir('care-market-council-') });
    const stack = new Stack(app, 'Council');
    const topics = new EscalationTopics(stack, 'Escalations');
    const queue = new sqs.Queue(stack, 'Manchester', {
      enforceSSL: true,
      deadLetterQueue: { queue: new sqs.Queue(stack, 'ManchesterDlq', { enforceSSL: true }), maxReceiveCount: 3 },
    });
    applyNagChecks(app);

    // Act
    const subscriptions = topics.subscribeCouncil('E08000003', queue);
    const template = Template.fromJSON(app.synth().getStackArtifact(stack.artifactId).template);

    // Assess
    expect(subscriptions).toHaveLength(3);
    for (const topic of topics.topics) {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        TopicArn: { Ref: logicalId(topic) },
        FilterPolicy: { recipient: ['E08000003'] },
        RawMessageDelivery: true,
      });
    }
    expect(() => topics.subscribeCouncil('Manchester', queue)).toThrow(/GSS code/);
    expect(() => topics.subscribeCouncil('E99999999', queue)).toThrow(/GSS code/);
  });

  it('EscalationTopics.subscribeEmail sends a party’s own messages to a mailbox as plain text', () => {
    // Prepare
    const app = new App({ context: cdkJsonContext(), outdir: tempDir('care-market-email-') });
    const stack = new Stack(app, 'Email');
    const topics = new EscalationTopics(stack, 'Escalations');
    applyNagChecks(app);

    // Act
    topics.subscribeEmail(EscalationTopics.party('adass-north-west'), 'duty-desk@example.org');
    const template = Template.fromJSON(app.synth().getStackArtifact(stack.artifactId).template);

    // Assess
    template.resourceCountIs('AWS::SNS::Subscription', 3);
    for (const topic of topics.topics) {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'duty-desk@example.org',
        TopicArn: { Ref: logicalId(topic) },
        FilterPolicy: { recipientKind: ['adass-network'], region: ['North West'] },
      });
    }
  });
});

describe('pipeline bundling', () => {
  it('bundles the handlers’ dependency set (SDK v3 external, middy, powertools, zod/mini) into a loadable ESM file', async () => {
    // Prepare
    const outdir = tempDir('care-market-bundle-');
    const app = new App({ outdir });
    const stack = new Stack(app, 'Bundle');
    new nodejs.NodejsFunction(stack, 'Probe', {
      entry: path.join(PROJECT_ROOT, 'test/infra/fixtures/probe-handler.ts'),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      bundling: pipelineBundling(),
    });
    app.synth();
    const [assetDir] = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    const bundle = path.join(outdir, assetDir ?? 'missing', 'index.mjs');
    // The Lambda runtime provides @aws-sdk/*; here the project's node_modules stand in for it.
    symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(outdir, 'node_modules'), 'dir');
    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      process.stdout.write(JSON.stringify(await handler({ asOf: '2025-06-30' }, {})));`;

    // Act
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 });
    const source = readFileSync(bundle, 'utf8');

    // Assess
    expect(JSON.parse(stdout)).toEqual({
      asOf: '2025-06-30',
      clients: ['function', 'function', 'function'],
      requireAvailable: true,
    });
    expect(source.startsWith("import { createRequire as __cmewCreateRequire } from 'node:module';")).toBe(true);
    expect(source).not.toContain('@aws-sdk/client-sns/dist-cjs');
    expect(source).toMatch(/from\s*"@aws-sdk\/client-sns"/);
    expect(existsSync(`${bundle}.map`)).toBe(true);
  });
});
