// Where ingest reads a landed source file from (an S3 object on AWS and in fauxqs locally): as bytes, so
// that ingest decides the encoding instead of having bad bytes silently replaced.
export interface ObjectSource {
  getBytes(bucket: string, key: string): Promise<Uint8Array>;
}

// Where the heat map is published (an S3 bucket that the heat map page is served from).
export interface ObjectSink {
  putText(bucket: string, key: string, text: string, contentType: string): Promise<void>;
}
