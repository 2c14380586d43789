// DynamoDB implementations of the storage ports. The same code runs against DynamoDB Local and AWS.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  Group,
  Location,
  Provider,
  QuarantineRecord,
  RegistrationLink,
  RiskAssessment,
  Signal,
  type Subject,
  type SubjectType,
} from '../../domain/model.js';
import { MarketBaseline } from '../../domain/baseline.js';
import { Placement } from '../../sources/placements.js';
import type {
  AssessmentStore,
  BaselineStore,
  PlacementStore,
  QuarantineStore,
  ReferenceStore,
  SignalStore,
  WriteCount,
} from '../../ports/stores.js';
import { GSI1, GSI2, keys } from './table.js';
import { batchPut, putOnce, queryAll, queryFirst } from './writes.js';
import { putSignalsOnce } from './series-writes.js';
import { signalsAdded, unpackSignals } from './signal-series.js';
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

interface Schema<T> {
  parse(value: unknown): T;
}

/** Strips the key attributes so what comes back is exactly the domain object that went in. */
function fromItem<T>(schema: Schema<T>, item: Record<string, unknown>): T {
  const { PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, expiresAt, ...body } = item;
  return schema.parse(body);
}

/** The signals a table stream record stored for the first time: none unless it added entries to a signal item. */
export const newSignalsOf = (record: { OldImage?: Record<string, unknown>; NewImage?: Record<string, unknown> }): Signal[] =>
  signalsAdded(record.OldImage, record.NewImage);

/** The order single signal items had under `SIGNAL#<source>#<naturalId>`, so scoring sees signals as before. */
const bySignalKey = (a: Signal, b: Signal): number => {
  const [x, y] = [`${a.source}#${a.naturalId}`, `${b.source}#${b.naturalId}`];
  return x < y ? -1 : x > y ? 1 : 0;
};

/** A latest-assessment read's page: every model version stored for the newest date or two. */
const ASSESSMENTS_PER_PAGE = 4;

export class DynamoStores implements SignalStore, ReferenceStore, AssessmentStore, QuarantineStore, PlacementStore, BaselineStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  putSignals(signals: readonly Signal[]): Promise<WriteCount> {
    return putSignalsOnce(this.doc, this.tableName, signals);
  }

  /** One query reads the subject's few packed items; signals come in source and natural id order, as stored singly before. */
  async signalsFor(subject: Subject): Promise<Signal[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': keys.subject(subject.type, subject.id), ':sk': keys.signalSeriesPrefix },
    });
    return items.flatMap((item) => unpackSignals(item)).sort(bySignalKey);
  }

  async putReference(entities: {
    locations: readonly Location[];
    providers: readonly Provider[];
    groups: readonly Group[];
    links?: readonly RegistrationLink[];
  }): Promise<void> {
    const profile = (type: SubjectType, id: string, parent: string | null) => ({
      PK: keys.subject(type, id),
      SK: keys.profile,
      GSI1PK: keys.collection(type),
      GSI1SK: id,
      ...(parent === null ? {} : { GSI2PK: parent, GSI2SK: keys.subject(type, id) }),
    });
    await batchPut(this.doc, this.tableName, [
      ...entities.locations.map((l) => ({
        ...profile('location', l.locationId, keys.subject('provider', l.providerId)),
        ...l,
      })),
      ...entities.providers.map((p) => ({
        ...profile('provider', p.providerId, p.groupId === null ? null : keys.subject('group', p.groupId)),
        ...p,
      })),
      ...entities.groups.map((g) => ({ ...profile('group', g.groupId, null), ...g })),
    ]);
    await this.putLinks(entities.links ?? []);
  }

  /**
   * Each link under both registrations, so either finds it with one query; only the predecessor's copy is in
   * the collection, so a listing has each link once. Put once: the first file to state a link dates it.
   */
  private async putLinks(links: readonly RegistrationLink[]): Promise<void> {
    await putOnce(
      this.doc,
      this.tableName,
      links.flatMap((link) => {
        const id = keys.link(link.predecessorId, link.successorId, link.evidence);
        return [
          { PK: keys.subject('location', link.predecessorId), SK: id, GSI1PK: keys.collection('link'), GSI1SK: id, ...link },
          { PK: keys.subject('location', link.successorId), SK: id, ...link },
        ];
      }),
    );
  }

  listLinks(): Promise<RegistrationLink[]> {
    return this.listCollection('link', RegistrationLink);
  }

  async linksOf(locationId: string): Promise<RegistrationLink[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': keys.subject('location', locationId), ':sk': 'LINK#' },
    });
    return items.map((item) => fromItem(RegistrationLink, item));
  }

  listLocations(): Promise<Location[]> {
    return this.listCollection('location', Location);
  }

  listProviders(): Promise<Provider[]> {
    return this.listCollection('provider', Provider);
  }

  listGroups(): Promise<Group[]> {
    return this.listCollection('group', Group);
  }

  getLocation(locationId: string): Promise<Location | undefined> {
    return this.getProfile('location', locationId, Location);
  }

  getProvider(providerId: string): Promise<Provider | undefined> {
    return this.getProfile('provider', providerId, Provider);
  }

  getGroup(groupId: string): Promise<Group | undefined> {
    return this.getProfile('group', groupId, Group);
  }

  locationsOfProvider(providerId: string): Promise<Location[]> {
    return this.members(keys.subject('provider', providerId), 'LOCATION#', Location);
  }

  providersOfGroup(groupId: string): Promise<Provider[]> {
    return this.members(keys.subject('group', groupId), 'PROVIDER#', Provider);
  }

  async latestAssessment(subject: Subject, asOf: string, modelVersion: string): Promise<RiskAssessment | undefined> {
    // Newest first; the sort key puts the date before the model version, so skip other versions' items. A page
    // of a few items, not the subject's whole history (a year of daily assessments is over a megabyte).
    const item = await queryFirst(this.doc, {
      Limit: ASSESSMENTS_PER_PAGE,
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      FilterExpression: 'modelVersion = :version',
      ExpressionAttributeValues: { ':pk': keys.subject(subject.type, subject.id), ':from': 'ASSESSMENT#', ':to': `ASSESSMENT#${asOf}#~`, ':version': modelVersion },
      ScanIndexForward: false,
    });
    return item ? fromItem(RiskAssessment, item) : undefined;
  }

  private async getProfile<T>(type: SubjectType, id: string, schema: Schema<T>): Promise<T | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { PK: keys.subject(type, id), SK: keys.profile } }));
    return Item ? fromItem(schema, Item) : undefined;
  }

  private async members<T>(parent: string, prefix: string, schema: Schema<T>): Promise<T[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: GSI2.name,
      KeyConditionExpression: `${GSI2.pk} = :parent AND begins_with(${GSI2.sk}, :prefix)`,
      ExpressionAttributeValues: { ':parent': parent, ':prefix': prefix },
    });
    return items.map((item) => fromItem(schema, item));
  }

  /** Overwrites an assessment with the same subject, date and model version: scoring is deterministic. */
  async putAssessments(assessments: readonly RiskAssessment[]): Promise<WriteCount> {
    await batchPut(this.doc, this.tableName, 
      assessments.map((a) => ({
        PK: keys.subject(a.subject.type, a.subject.id),
        SK: keys.assessment(a.asOf, a.modelVersion),
        GSI1PK: keys.assessmentsAsOf(a.asOf, a.subject.type),
        GSI1SK: a.subject.id,
        ...a,
      })),
    );
    return { stored: assessments.length, alreadyPresent: 0 };
  }

  async assessmentsAsOf(asOf: string, type: SubjectType): Promise<RiskAssessment[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: GSI1.name,
      KeyConditionExpression: `${GSI1.pk} = :pk`,
      ExpressionAttributeValues: { ':pk': keys.assessmentsAsOf(asOf, type) },
    });
    return items.map((item) => fromItem(RiskAssessment, item));
  }

  quarantine(records: readonly QuarantineRecord[]): Promise<WriteCount> {
    return putOnce(this.doc, this.tableName, 
      records.map((record) => ({
        PK: keys.quarantine(record.source),
        SK: keys.quarantineRow(record.origin, record.row, record.recordId),
        GSI1PK: keys.collection('quarantine'),
        GSI1SK: `${record.source}#${keys.quarantineRow(record.origin, record.row, record.recordId)}`,
        ...record,
      })),
    );
  }

  async listQuarantine(): Promise<QuarantineRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: GSI1.name,
      KeyConditionExpression: `${GSI1.pk} = :pk`,
      ExpressionAttributeValues: { ':pk': keys.collection('quarantine') },
    });
    return items.map((item) => fromItem(QuarantineRecord, item));
  }

  async putPlacements(placements: readonly Placement[]): Promise<void> {
    await batchPut(
      this.doc,
      this.tableName,
      placements.map((p) => ({
        PK: keys.subject('location', p.locationId),
        SK: `PLACEMENT#${p.councilGss}`,
        GSI1PK: keys.collection('placement'),
        GSI1SK: `${p.locationId}#${p.councilGss}`,
        ...p,
      })),
    );
  }

  listPlacements(): Promise<Placement[]> {
    return this.listCollection('placement', Placement);
  }

  async putBaseline(baseline: MarketBaseline): Promise<void> {
    await putOnce(this.doc, this.tableName, [{ PK: 'BASELINE', SK: baseline.version, ...baseline }]);
  }

  async getBaseline(version: string): Promise<MarketBaseline | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { PK: 'BASELINE', SK: version } }));
    return Item ? fromItem(MarketBaseline, Item) : undefined;
  }

  async latestBaseline(asOf: string): Promise<MarketBaseline | undefined> {
    const item = await queryFirst(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND SK <= :latest',
      ExpressionAttributeValues: { ':pk': 'BASELINE', ':latest': `baseline-${asOf}` },
      ScanIndexForward: false,
      Limit: 1,
    });
    return item ? fromItem(MarketBaseline, item) : undefined;
  }

  private async listCollection<T>(type: SubjectType | 'placement' | 'link', schema: Schema<T>): Promise<T[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: GSI1.name,
      KeyConditionExpression: `${GSI1.pk} = :pk`,
      ExpressionAttributeValues: { ':pk': keys.collection(type) },
    });
    return items.map((item) => fromItem(schema, item));
  }

}
