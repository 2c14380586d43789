// The single table's key schema, shared by the CDK stack's documentation, the local runner and the adapters.
// Access patterns and the item each serves are listed in README.md ("Table design").
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const KEY = { pk: 'PK', sk: 'SK' } as const;
export const GSI1 = { name: 'GSI1', pk: 'GSI1PK', sk: 'GSI1SK' } as const;
export const GSI2 = { name: 'GSI2', pk: 'GSI2PK', sk: 'GSI2SK' } as const;
export const TTL_ATTRIBUTE = 'expiresAt';

/** The table as CreateTable wants it; the CDK construct declares the same keys for AWS. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const attribute = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  const index = (gsi: typeof GSI1 | typeof GSI2) => ({
    IndexName: gsi.name,
    KeySchema: [
      { AttributeName: gsi.pk, KeyType: 'HASH' as const },
      { AttributeName: gsi.sk, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [KEY.pk, KEY.sk, GSI1.pk, GSI1.sk, GSI2.pk, GSI2.sk].map(attribute),
    KeySchema: [
      { AttributeName: KEY.pk, KeyType: 'HASH' },
      { AttributeName: KEY.sk, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [index(GSI1), index(GSI2)],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}

/** Partition keys: one prefix per entity so a reader sees from a key what it holds. */
export const keys = {
  subject: (type: 'location' | 'provider' | 'group', id: string) => `${type.toUpperCase()}#${id}`,
  profile: 'PROFILE',
  /** A subject's signals about one year, from every source, packed in one item (signal-series.ts). */
  signalSeries: (year: string) => `SIGNAL#${year}`,
  signalSeriesPrefix: 'SIGNAL#',
  assessment: (asOf: string, modelVersion: string) => `ASSESSMENT#${asOf}#${modelVersion}`,
  assessmentsAsOf: (asOf: string, type: string) => `ASSESSMENTS#${asOf}#${type}`,
  collection: (type: string) => `COLLECTION#${type}`,
  /** A link between registrations, under each of its two locations. */
  link: (predecessorId: string, successorId: string, evidence: string) => `LINK#${predecessorId}#${successorId}#${evidence}`,
  quarantine: (source: string) => `QUARANTINE#${source}`,
  /** Row 0 is a record from no file row (a signal the scorer refused): its record id tells them apart. */
  quarantineRow: (origin: string, row: number, recordId: string | null) => `${origin}#${String(row).padStart(7, '0')}#${recordId ?? ''}`,
} as const;
