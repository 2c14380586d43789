// Where ingest reads a landed source file from (an S3 object on AWS and in fauxqs locally).
export interface ObjectSource {
  getText(bucket: string, key: string): Promise<string>;
}
