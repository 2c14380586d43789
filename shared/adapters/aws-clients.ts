// One place that builds the AWS SDK clients. Endpoints come from the SDK's own environment variables
// (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SNS, ...), so the same handler code talks to AWS in Lambda
// and to DynamoDB Local and fauxqs on a laptop.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

export const dynamoClient = () => new DynamoDBClient({});
export const snsClient = () => new SNSClient({});
// Reach a queue through the configured endpoint (as on AWS), not the host its URL names (emulators differ).
export const sqsClient = () => new SQSClient({ useQueueUrlAsEndpoint: false });
/** Local S3 emulators want path-style URLs (no wildcard DNS for bucket subdomains); AWS accepts both. */
export const s3Client = () => new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' });

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
