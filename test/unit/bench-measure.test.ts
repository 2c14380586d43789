// The benchmark's instruments: percentiles by nearest rank, the write tally a DynamoDB client carries, and the
// report's verdicts against the targets, each miss with its cause.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { percentile, tallyWrites } from '../../scripts/bench/measure.js';
import { type BenchInput, report } from '../../scripts/bench/report.js';

describe('benchmark measurements', () => {
  afterEach(() => vi.restoreAllMocks());

  it('takes percentiles by nearest rank', () => {
    // Prepare
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);

    // Act
    const [p50, p95, p99, p100] = [50, 95, 99, 100].map((p) => percentile(values, p));

    // Assess
    expect([p50, p95, p99, p100]).toEqual([50, 95, 99, 100]);
    expect(percentile([7], 95)).toBe(7);
    expect(() => percentile([], 50)).toThrow(/no values/);
  });

  it('counts the items each write request carries', async () => {
    // Prepare
    const client = new DynamoDBClient({ region: 'eu-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const tally = tallyWrites(client);
    const doc = DynamoDBDocumentClient.from(client);
    // Answers every request before it is sent: only the tally, which runs first, sees it.
    client.middlewareStack.add(() => async () => ({ output: { $metadata: {} }, response: {} }), { step: 'build', name: 'answerLocally' });

    // Act
    await doc.send(new BatchWriteCommand({ RequestItems: { t: Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { PK: `P${i}`, SK: 'S' } } })) } }));
    await doc.send(new UpdateCommand({ TableName: 't', Key: { PK: 'P', SK: 'S' }, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': 1 } }));

    // Assess
    expect(tally).toEqual({ requests: 2, items: 26 });
  });

  it('reports each figure against its target and names the cause of a miss', () => {
    // Prepare: a slow pipeline, a fast signal path, a heavy generator
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'table').mockImplementation(() => undefined);
    const input: BenchInput = {
      market: { locations: 10, providers: 4, groups: 1, councils: 2, signals: 1000, bySource: {}, seconds: 1 },
      floor: { seconds: 10, signals: 1000, itemsWritten: 100, writeRequests: 4, engineRssMb: 900 },
      pipeline: { seconds: 20, ingestSeconds: 15, recomputeSeconds: 5, signals: 1000, stored: 1000, alreadyPresent: 0, assessments: 15, itemsWritten: 120, writeRequests: 60, rssMb: { ingest: 400, scoring: 400, resend: 400 }, resend: { signals: 100, seconds: 1, stored: 0, writeRequests: 0 } },
      latency: { signals: 10, p50Ms: 10, p95Ms: 20, p99Ms: 30, maxMs: 31, decisions: 2, itemsWrittenPer1000: 4000, warmLoadSeconds: 1, seconds: 12 },
      bundles: { score: { kb: 130, coldImportMs: 300, peakRssMb: 70 } },
      memory: { benchMb: 400, benchMbByPhase: { floor: 300, ingest: 400, scoring: 400 }, generatorMb: 800, engineMb: 900 },
      load: { before: [1, 1, 1], after: [1, 1, 1], cores: 2 },
      totalSeconds: 60,
    };

    // Act
    const figures = report(input);

    // Assess
    expect(figures).toMatchObject({ ratio: 2, p95Ms: 20, peakRssMb: 800, bundles: { score: { kb: 130, coldImportMs: 300 } } });
    expect(figures.itemsWrittenPer1000Signals).toEqual({ load: 120, floor: 100, oneAtATime: 4000 });
    const rows = vi.mocked(console.table).mock.calls[0]![0] as { figure: string; detail: string }[];
    const misses = vi.mocked(console.log).mock.calls.map(([line]) => String(line)).filter((line) => line.startsWith('Missed'));
    expect(misses).toHaveLength(2);
    expect(misses[1]).toMatch(/test-data generator holds too much of the market at once/);
    expect(rows.find((r) => r.figure === 'whole run (s)')).toMatchObject({ value: 60, met: 'yes', detail: 'generating 1, floor 10, ingest 15, scoring 5, re-send 1, latency 12' });
    expect(rows.find((r) => r.figure.startsWith('peak RSS'))?.detail).toMatch(/^generator; bench, in its ingest phase: 400 MB;/);
  });
});
