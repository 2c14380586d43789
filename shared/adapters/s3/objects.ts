import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectSink, ObjectSource } from '../../ports/objects.js';

export class S3Objects implements ObjectSource, ObjectSink {
  constructor(private readonly s3: S3Client) {}

  async getText(bucket: string, key: string): Promise<string> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!object.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    return object.Body.transformToString('utf-8');
  }

  async putText(bucket: string, key: string, text: string, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: contentType }));
  }
}
