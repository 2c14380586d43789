// Where the heat map function writes `heatmap/<asOf>.json` and `heatmap/<asOf>.html`.
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { AccessLogBucket } from './buckets.js';
import { secureBucket } from './buckets.js';
import { acknowledgeWildcards, getAttText } from './nag.js';

export const HEATMAP_PREFIX = 'heatmap/';
export const OUTPUT_BUCKET_ENV = 'OUTPUT_BUCKET';

export interface HeatMapOutputProps {
  readonly accessLogs: AccessLogBucket;
}

export class HeatMapOutput extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: HeatMapOutputProps) {
    super(scope, id);
    this.bucket = secureBucket(this, 'Bucket', { accessLogs: props.accessLogs, accessLogsPrefix: 'heatmap-output/' });
  }

  get bucketName(): string {
    return this.bucket.bucketName;
  }

  /** Write (and abort multipart uploads of) objects under `heatmap/` only. */
  grantWrite(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resourceArns: [this.bucket.arnForObjects(`${HEATMAP_PREFIX}*`)],
    });
  }

  /** Read what was published (e.g. yesterday's map for a diff). */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [this.bucket.arnForObjects(`${HEATMAP_PREFIX}*`)],
    });
  }

  /** `OUTPUT_BUCKET` in the function's environment and write access under `heatmap/`. */
  bind(fn: lambda.Function): void {
    fn.addEnvironment(OUTPUT_BUCKET_ENV, this.bucket.bucketName);
    this.grantWrite(fn);
    if (fn.role) {
      acknowledgeWildcards(
        fn.role,
        [`Resource::${getAttText(this.bucket)}/${HEATMAP_PREFIX}*`],
        'The heat map writes one object per run date (heatmap/<asOf>.json and .html); the grant is limited to the heatmap/ prefix.',
      );
    }
  }
}
