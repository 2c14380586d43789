import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectSink, ObjectSource } from '../../ports/objects.js';

export class S3Objects implements ObjectSource, ObjectSink {
  constructor(private readonly s3: S3Client) {}

  async getBytes(bucket: string, key: string): Promise<Uint8Array> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!object.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    return object.Body.transformToByteArray();
  }

  /** Our own outputs (the heat map), which we wrote as UTF-8. */
  async getText(bucket: string, key: string): Promise<string> {
    return new TextDecoder().decode(await this.getBytes(bucket, key));
  }

  async putText(bucket: string, key: string, text: string, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: contentType }));
  }
}
