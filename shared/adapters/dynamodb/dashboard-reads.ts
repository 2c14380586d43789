// The dashboard's own reads from the single table: a subject's assessments over time (one query on its
// partition; the sort key orders them by date).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RiskAssessment, type Subject } from '../../domain/model.js';
import type { DashboardReads } from '../../ports/dashboard.js';
import { documentClient } from './stores.js';
import { keys } from './table.js';
import { queryAll } from './writes.js';

export class DynamoDashboardReads implements DashboardReads {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async assessmentHistory(subject: Subject, modelVersion: string): Promise<RiskAssessment[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      FilterExpression: 'modelVersion = :version',
      ExpressionAttributeValues: { ':pk': keys.subject(subject.type, subject.id), ':sk': 'ASSESSMENT#', ':version': modelVersion },
    });
    // z.object drops the key attributes, leaving the assessment as it was stored.
    return items.map((item) => RiskAssessment.parse(item));
  }
}
