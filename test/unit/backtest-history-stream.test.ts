import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateHistory, type HistoryOptions, streamHistory } from '../../cli/backtest/history.js';
import { groupBy } from '../../shared/domain/collections.js';
import type { Signal } from '../../shared/domain/model.js';

const OPTIONS: HistoryOptions = { seed: 424242, locations: 300, from: '2021-01-01', months: 24 };
/**
 * SHA-256 of generateHistory(OPTIONS) as JSON with every object's keys sorted, computed at commit 67097a1, before
 * the generator streamed its signals: the history, its signals' order included, must not change.
 */
const HISTORY_BEFORE_STREAMING = '5e9baece46cf90f54161b24befe725d55911179a669e04cade44d94257262f61';

const sortedKeys = (_key: string, value: unknown): unknown =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : value;
const subjectOf = (s: Signal) => `${s.subject.type}#${s.subject.id}`;

const history = generateHistory(OPTIONS);

describe('generateHistory', () => {
  it('gives the history it gave before the generator streamed, signal order included', () => {
    // Act
    const hash = createHash('sha256').update(JSON.stringify(history, sortedKeys)).digest('hex');

    // Assess
    expect(hash).toBe(HISTORY_BEFORE_STREAMING);
  });
});

describe('streamHistory', () => {
  it("streams generateHistory's signals, each subject's together and in the same order, and returns the rest of the history", () => {
    // Prepare
    const batches: Signal[][] = [];
    const stream = streamHistory(OPTIONS);

    // Act
    let next = stream.next();
    for (; !next.done; next = stream.next()) batches.push(next.value);
    const streamed = batches.flat();

    // Assess: the market has sales, whose successors' signals and register entries travel with the sold location's
    const { signals, ...rest } = history;
    expect(history.reRegistrations.length).toBeGreaterThan(0);
    expect(next.value).toEqual(rest);
    expect(streamed.map((s) => JSON.stringify(s)).sort()).toEqual(signals.map((s) => JSON.stringify(s)).sort());
    expect(Object.fromEntries(groupBy(streamed, subjectOf))).toEqual(Object.fromEntries(groupBy(signals, subjectOf)));
    const runs = streamed.filter((s, i) => i === 0 || subjectOf(s) !== subjectOf(streamed[i - 1]!)).length;
    expect(runs).toBe(new Set(signals.map(subjectOf)).size);
    const batchOf = new Map(batches.flatMap((batch, b) => batch.map((s) => [subjectOf(s), b] as const)));
    expect(batches.every((batch, b) => batch.every((s) => batchOf.get(subjectOf(s)) === b))).toBe(true);
  });
});
