// The benchmark's measuring instruments: percentiles, peak memory of Node processes and of the Java engine,
// and a count of the items each DynamoDB write request carries.
import { readdirSync, readFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** England's market as the issue sizes it, and the fixed seed of its history. */
export const ENGLAND = { locations: 30_000, months: 24, seed: 20231001, asOf: '2025-10-01', latencySignals: 1_000 } as const;

/** The targets the issue sets. */
export const TARGETS = { ratio: 1.5, p95Ms: 50, peakRssMb: 512, bundleKb: 250, wholeRunSeconds: 600 } as const;

/** Nearest-rank percentile (p in 0-100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A process's peak resident set (VmHWM) in MiB from /proc, or undefined once it is gone. */
export function vmHwmMb(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    return line ? Math.round(Number.parseInt(line.replace(/\D+/g, ''), 10) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * This process's peak resident set so far, in MiB: its memory's high-water mark (VmHWM), which starts afresh
 * when a process is started. The rusage maximum does not: a child keeps its parent's resident set at the fork,
 * so a small process the bench starts would report the bench's size. Where there is no /proc, the rusage figure.
 */
export const peakRssMb = (): number => vmHwmMb(process.pid) ?? Math.round(process.resourceUsage().maxRSS / 1024);

/** The process and every descendant, from /proc's children lists. */
export function processTree(pid: number): number[] {
  const children = (p: number): number[] => {
    try {
      return readdirSync(`/proc/${p}/task`).flatMap((task) =>
        readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
      );
    } catch {
      return [];
    }
  };
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]!));
  return all;
}

/** The highest VmHWM in a process tree: the engine's JVM may be a child of the process that was spawned. */
export const treePeakMb = (pid: number): number => Math.max(0, ...processTree(pid).map((p) => vmHwmMb(p) ?? 0));

export interface WriteTally {
  requests: number;
  /** Items the write requests carried: one per put, update or delete. */
  items: number;
}

const WRITE_ITEMS: Record<string, (input: Record<string, unknown>) => number> = {
  PutItemCommand: () => 1,
  UpdateItemCommand: () => 1,
  DeleteItemCommand: () => 1,
  BatchWriteItemCommand: (input) => Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>).reduce((n, r) => n + r.length, 0),
  TransactWriteItemsCommand: (input) => ((input.TransactItems ?? []) as unknown[]).length,
};

/** Counts the write requests and items sent through a client from now on. */
export function tallyWrites(client: DynamoDBClient): WriteTally {
  const tally: WriteTally = { requests: 0, items: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const count = WRITE_ITEMS[context.commandName ?? ''];
      if (count) {
        tally.requests += 1;
        tally.items += count(args.input as Record<string, unknown>);
      }
      return next(args);
    },
    { step: 'initialize', name: 'benchWriteTally' },
  );
  return tally;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - started) / 1000 };
}
