// Each subject's stored bands and open episode, read for reports (scores.csv, the dashboard): one query per
// subject over its assessments and episode pointer, which sort next to each other in its partition.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import pMap from 'p-map';
import { Band, type IsoDate, type Subject } from '../../domain/model.js';
import { type AssessmentHistoryStore, type SubjectHistory, subjectKey } from '../../ports/assessment-history.js';
import { documentClient } from './stores.js';
import { keys } from './table.js';
import { queryAll } from './writes.js';

const READ_CONCURRENCY = 8;
const ASSESSMENT = 'ASSESSMENT#';
/** The subject's pointer to its latest episode (escalation-store.ts); it sorts after its assessments. */
const CURRENT_EPISODE = 'EPISODE#CURRENT';

export class DynamoAssessmentHistory implements AssessmentHistoryStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async historyOf(subjects: readonly Subject[], upTo: IsoDate, modelVersion: string): Promise<Map<string, SubjectHistory>> {
    const entries = await pMap(subjects, async (subject) => [subjectKey(subject), await this.one(subject, upTo, modelVersion)] as const, { concurrency: READ_CONCURRENCY });
    return new Map(entries);
  }

  private async one(subject: Subject, upTo: IsoDate, modelVersion: string): Promise<SubjectHistory> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ProjectionExpression: 'SK, asOf, band, modelVersion, episodeId',
      ExpressionAttributeValues: { ':pk': keys.subject(subject.type, subject.id), ':from': ASSESSMENT, ':to': CURRENT_EPISODE },
    });
    const bands = items
      .filter((item) => String(item.SK).startsWith(ASSESSMENT) && item.modelVersion === modelVersion && String(item.asOf) <= upTo)
      .map((item) => ({ asOf: String(item.asOf), band: Band.parse(item.band) }))
      .sort((a, b) => a.asOf.localeCompare(b.asOf));
    const episodeId = items.find((item) => item.SK === CURRENT_EPISODE)?.episodeId;
    return { bands, openEpisodeId: typeof episodeId === 'string' && (await this.isOpen(episodeId)) ? episodeId : null };
  }

  private async isOpen(episodeId: string): Promise<boolean> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: `EPISODE#${episodeId}`, SK: 'EPISODE' }, ProjectionExpression: 'episode.#status', ExpressionAttributeNames: { '#status': 'status' } }),
    );
    return (Item?.episode as { status?: string } | undefined)?.status === 'open';
  }
}
