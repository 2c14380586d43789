// S3 defaults shared by every bucket in the stack, and the bucket their server access logs land in.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Encrypted, private, TLS-only and versioned: what every bucket here starts from. */
const PRIVATE_BUCKET: s3.BucketProps = {
  encryption: s3.BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  versioned: true,
};

/**
 * Server access logs for the stack's buckets. Log delivery needs SSE-S3 and a bucket policy (not ACLs).
 * It does not log to itself; cdk-nag's S1 accepts a bucket that is another bucket's log destination.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) },
      ],
    });
  }
}

export interface SecureBucketProps {
  readonly accessLogs: AccessLogBucket;
  /** Key prefix of this bucket's logs in the access log bucket, e.g. `landing/`. */
  readonly accessLogsPrefix: string;
  readonly lifecycleRules?: s3.LifecycleRule[];
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** A name known before the bucket exists (e.g. for a queue policy naming it). @default generated */
  readonly bucketName?: string;
}

/** Encrypted, versioned, private, TLS-only, with server access logs: the baseline for every data bucket. */
export function secureBucket(scope: Construct, id: string, props: SecureBucketProps): s3.Bucket {
  return new s3.Bucket(scope, id, {
    ...PRIVATE_BUCKET,
    ...(props.bucketName ? { bucketName: props.bucketName } : {}),
    serverAccessLogsBucket: props.accessLogs.bucket,
    serverAccessLogsPrefix: props.accessLogsPrefix,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    lifecycleRules: [
      { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90) },
      ...(props.lifecycleRules ?? []),
    ],
  });
}
