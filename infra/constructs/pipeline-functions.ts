// The pipeline's Lambda functions: Node.js 22 on Graviton, bundled locally by esbuild as ESM, traced with
// X-Ray, logging to a log group with a retention, each with its own least-privilege role.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';
import { DeadLetterQueue } from './queues.js';

/** The repository root: functions/<name>/handler.ts and package-lock.json live under it. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * ESM bundles run CommonJS dependencies that call `require` (some AWS SDK and middy internals do); give the
 * module a real `require`. The alias avoids clashing with any `createRequire` name inside the bundle.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __cmewCreateRequire } from 'node:module'; const require = __cmewCreateRequire(import.meta.url);";

/**
 * How every pipeline function is bundled: one minified ESM file for Node.js 22 with a source map, the AWS
 * SDK left to the runtime, and `require` available to CommonJS code inside the bundle. Always local esbuild.
 */
export function pipelineBundling(): nodejs.BundlingOptions {
  return {
    format: nodejs.OutputFormat.ESM,
    target: 'node22',
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    // ESM entry points first (middy, powertools, zod/mini ship them); fall back to CommonJS.
    mainFields: ['module', 'main'],
    banner: ESM_REQUIRE_BANNER,
    // The Node.js 22 runtime ships AWS SDK v3.
    externalModules: ['@aws-sdk/*'],
    forceDockerBundling: false,
  };
}

export const PIPELINE_FUNCTION_NAMES = ['ingest', 'score', 'heatmap', 'escalate', 'publish', 'audit', 'acknowledge', 'dashboard'] as const;
/** The seven always deployed, and the source fetcher when the configuration asks for it. */
export type PipelineFunctionName = (typeof PIPELINE_FUNCTION_NAMES)[number] | 'fetch-sources';

export interface PipelineFunctionProps {
  /** functions/<name>/handler.ts, exporting `handler`. */
  readonly name: PipelineFunctionName;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /**
   * Invoked asynchronously (EventBridge Scheduler, S3, SNS): failed events go to an on-failure SQS
   * destination after Lambda's own retries. Leave false for functions driven by an event source mapping,
   * whose source queue or stream has its own dead-letter handling.
   */
  readonly invokedAsynchronously: boolean;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  readonly environment?: Record<string, string>;
  /** Concurrent runs reserved (and allowed): 1 makes runs of the function take turns. @default none */
  readonly reservedConcurrentExecutions?: number;
  /** The AWS Parameters and Secrets Lambda Extension, for a function reading a secret. @default none */
  readonly paramsAndSecrets?: lambda.ParamsAndSecretsLayerVersion;
}

export class PipelineFunction extends Construct {
  readonly name: PipelineFunctionName;
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** Where failed asynchronous invocations go; only for `invokedAsynchronously` functions. */
  readonly failures?: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    assertLocalEsbuild();
    this.name = props.name;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An explicit role instead of AWSLambdaBasicExecutionRole: logs go to this function's group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Care market ${props.name} function`,
    });
    this.logGroup.grantWrite(this.role);

    if (props.invokedAsynchronously) {
      this.failures = new DeadLetterQueue(this, 'Failures', {
        purpose: `asynchronous ${props.name} invocations that failed after retries`,
        source: 'lambda-on-failure',
      });
    }

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, 'functions', props.name, 'handler.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ...(props.reservedConcurrentExecutions ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      ...(props.paramsAndSecrets ? { paramsAndSecrets: props.paramsAndSecrets } : {}),
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: `care-market-${props.name}`,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      ...(this.failures
        ? {
            onFailure: new destinations.SqsDestination(this.failures),
            retryAttempts: 2,
            maxEventAge: Duration.hours(6),
          }
        : {}),
      bundling: pipelineBundling(),
    });

    // Only on the role's own policy, and only for the actions that cannot name a resource; test/infra walks
    // every policy in the template and fails on any other `Resource: "*"`.
    acknowledge(
      this.role.node.findChild('DefaultPolicy'),
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords (and, for a table stream consumer, dynamodb:ListStreams) do not support resource-level permissions.',
    );
    acknowledge(
      this.function,
      'AwsSolutions-L1',
      'Pinned to Node.js 22 on purpose: the bundles target node22, and every dependency accepts Node 20 and 22 (engines >=20.19; local runs and CI use Node 20.20), so nothing needs 24; moving to 24 is a deliberate upgrade, not a drift.',
    );
  }

  get functionArn(): string {
    return this.function.functionArn;
  }

  grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.function.grantInvoke(grantee);
  }

  addEnvironment(key: string, value: string): void {
    this.function.addEnvironment(key, value);
  }
}

/**
 * Bundling must never fall back to Docker (there is none offline, and a silent Docker build is slow and
 * different): fail synthesis with a clear message when the project's esbuild is missing.
 */
function assertLocalEsbuild(): void {
  try {
    createRequire(path.join(PROJECT_ROOT, 'package.json')).resolve('esbuild');
  } catch {
    throw new Error('esbuild is not installed in this project (npm ci); refusing to fall back to Docker bundling.');
  }
}

export interface PipelineFunctionsProps {
  readonly logRetention?: logs.RetentionDays;
  /** Deploy the source fetcher too. @default false */
  readonly fetchSources?: boolean;
}

/** The pipeline functions with their sizes and timeouts. */
export class PipelineFunctions extends Construct {
  /** Drains the landing queue: parses a landed file into signals. */
  readonly ingest: PipelineFunction;
  /** Daily: turns signals into risk assessments. */
  readonly score: PipelineFunction;
  /** Daily: renders the council heat map from the day's assessments. */
  readonly heatmap: PipelineFunction;
  /** Daily: decides escalations, storing each decision with its messages, then drains the outbox as notices. */
  readonly escalate: PipelineFunction;
  /** Every 15 minutes: sweeps whatever escalation notices a failed run left pending to SNS. */
  readonly publish: PipelineFunction;
  /** Behind the HTTP API: lists the disclosure audit trail a caller may see. */
  readonly audit: PipelineFunction;
  /** Behind the HTTP API: records a recipient's acknowledgement of an episode. */
  readonly acknowledge: PipelineFunction;
  /** Behind the HTTP API: the market dashboard's pages, checked against the caller's role on every request. */
  readonly dashboard: PipelineFunction;
  /** Daily, when configured: lands the CQC changes and Companies House records as a dated delivery. */
  readonly fetchSources?: PipelineFunction;

  constructor(scope: Construct, id: string, props: PipelineFunctionsProps = {}) {
    super(scope, id);
    const common = props.logRetention ? { logRetention: props.logRetention } : {};
    this.ingest = new PipelineFunction(this, 'Ingest', {
      name: 'ingest',
      description: 'Parses landed source files into signals',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      invokedAsynchronously: false,
      ...common,
    });
    this.score = new PipelineFunction(this, 'Score', {
      name: 'score',
      description: 'Scores providers and locations from their signals',
      memorySize: 1024,
      timeout: Duration.minutes(10),
      invokedAsynchronously: true,
      ...common,
    });
    this.heatmap = new PipelineFunction(this, 'Heatmap', {
      name: 'heatmap',
      description: 'Renders the council heat map for a date',
      memorySize: 512,
      timeout: Duration.minutes(2),
      invokedAsynchronously: true,
      ...common,
    });
    this.escalate = new PipelineFunction(this, 'Escalate', {
      name: 'escalate',
      description: 'Decides escalations, stores them with their messages and publishes the day\'s notices',
      memorySize: 512,
      // A national failure stages a message per recipient (hundreds) before its notices go out.
      timeout: Duration.minutes(5),
      invokedAsynchronously: true,
      ...common,
    });
    this.publish = new PipelineFunction(this, 'Publish', {
      name: 'publish',
      description: 'Publishes pending escalation notices to the tier topics',
      memorySize: 512,
      timeout: Duration.minutes(2),
      // The sweep schedule invokes it asynchronously.
      invokedAsynchronously: true,
      // One run at a time: a sweep never races another drain of the outbox.
      reservedConcurrentExecutions: 1,
      ...common,
    });
    this.audit = new PipelineFunction(this, 'Audit', {
      name: 'audit',
      description: 'Lists the disclosure audit trail for an authorised caller',
      memorySize: 256,
      timeout: Duration.seconds(10),
      invokedAsynchronously: false,
      ...common,
    });
    this.acknowledge = new PipelineFunction(this, 'Acknowledge', {
      name: 'acknowledge',
      description: 'Records a recipient acknowledging an escalation episode',
      memorySize: 256,
      timeout: Duration.seconds(10),
      invokedAsynchronously: false,
      ...common,
    });
    this.dashboard = new PipelineFunction(this, 'Dashboard', {
      name: 'dashboard',
      description: 'Serves the market dashboard pages a caller may see',
      // The map reads every location's assessment and signals: memory buys the CPU to do it in seconds.
      memorySize: 1024,
      timeout: Duration.seconds(29),
      invokedAsynchronously: false,
      ...common,
    });
    if (props.fetchSources) {
      this.fetchSources = new PipelineFunction(this, 'FetchSources', {
        name: 'fetch-sources',
        description: 'Lands the CQC changes feed and Companies House records as a dated delivery',
        memorySize: 512,
        // Companies House allows 2 requests a second: a day's turn of companies is sized to 15 minutes.
        timeout: Duration.minutes(15),
        invokedAsynchronously: true,
        // One run at a time: two runs would land the same day twice and spend the rate limit twice.
        reservedConcurrentExecutions: 1,
        paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, { cacheSize: 10 }),
        ...common,
      });
    }
  }

  get all(): readonly PipelineFunction[] {
    return [this.ingest, this.score, this.heatmap, this.escalate, this.publish, this.audit, this.acknowledge, this.dashboard, ...(this.fetchSources ? [this.fetchSources] : [])];
  }
}
