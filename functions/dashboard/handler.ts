// Dashboard Lambda behind the HTTP API (GET /, /councils/..., /locations/..., /providers/..., /groups/...,
// /search). GET / has no authorizer; the detail routes' JWT authorizer passes `custom:role` and
// `custom:party`, and the use case decides from those alone what the caller may see.
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { dynamoClient, requiredEnv } from '../../shared/adapters/aws-clients.js';
import { DynamoDashboardReads } from '../../shared/adapters/dynamodb/dashboard-reads.js';
import { DynamoEscalationStore } from '../../shared/adapters/dynamodb/escalation-store.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { computeHeatMap } from '../../shared/application/heat-map.js';
import type { HeatMap } from '../../shared/domain/heatmap.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { CURRENT_MODEL_VERSION } from '../../shared/domain/risk-model.js';
import { COUNCILS_HEXMAP } from '../../shared/reference/hexmap.js';
import { dashboardHttp } from './dashboard.js';
import type { DashboardPorts } from './ports.js';

const logger = new Logger({ serviceName: 'dashboard' });
const client = dynamoClient();
const tableName = requiredEnv('TABLE_NAME');
const stores = new DynamoStores(client, tableName);
const modelVersion = process.env.MODEL_VERSION || CURRENT_MODEL_VERSION;

/** The heat map reads every location's signals: a warm container keeps it a few minutes per date. */
const HEAT_MAP_TTL_MS = 5 * 60_000;
const heatMaps = new Map<string, { at: number; heatMap: Promise<HeatMap> }>();
function cachedHeatMap(asOf: string): Promise<HeatMap> {
  const hit = heatMaps.get(asOf);
  if (hit && Date.now() - hit.at < HEAT_MAP_TTL_MS) return hit.heatMap;
  const heatMap = computeHeatMap({ reference: stores, signals: stores, assessments: stores }, asOf, modelVersion);
  heatMaps.set(asOf, { at: Date.now(), heatMap });
  heatMap.catch(() => heatMaps.delete(asOf));
  return heatMap;
}

const ports: DashboardPorts = {
  reference: stores,
  signals: stores,
  assessments: stores,
  placements: stores,
  baselines: stores,
  reads: new DynamoDashboardReads(client, tableName),
  episodes: new DynamoEscalationStore(client, tableName, DEFAULT_PROTOCOL.retentionYears),
  heatMap: cachedHeatMap,
  protocol: DEFAULT_PROTOCOL,
  modelVersion,
  hexjson: COUNCILS_HEXMAP as DashboardPorts['hexjson'],
};

async function run(event: unknown): Promise<APIGatewayProxyStructuredResultV2> {
  const response = await dashboardHttp(ports, event);
  // The path and status only: who asked is in the API's access log, and pages are not logged.
  const path = (event as { rawPath?: unknown }).rawPath;
  logger.info('dashboard', { path: typeof path === 'string' ? path.slice(0, 200) : null, statusCode: response.statusCode });
  return response;
}

export const handler = middy<unknown, APIGatewayProxyStructuredResultV2>().use(injectLambdaContext(logger)).handler(run);
