// Shared arbitraries and checks for fuzzing the readers: what a bad cell looks like, where personal data goes,
// and the accounting every reader owes (each record kept or quarantined, never both, never neither).
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { expect } from 'vitest';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import type { QuarantineRecord } from '../../shared/domain/model.js';

/** Text in spreadsheet-formula, oversized, control-character and lookalike shapes, or any string at all. */
export const cellText: fc.Arbitrary<string> = fc
  .oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('', ' ', '=HYPERLINK("http://example.invalid","x")', '+44 113', '-1', '@SUM(A1)', '\tcmd', '\rcmd', '"', 'null', 'NaN', '1e309', '2025-02-30', '9999-12-31', '1-', '\u0000', '\uFEFF'),
    fc.integer().map(String),
    fc.constant('x'.repeat(5000)),
  )
  .filter((text) => !text.includes(PERSONAL_DATA_MARKER));

/** A value no checked column accepts: not an id, date, count, code, rating or answer, whatever else it is. */
export const badValue: fc.Arbitrary<string> = fc.oneof(
  fc.string().map((text) => `zz!${text}`),
  fc.constantFrom('=HYPERLINK("http://example.invalid","x")', '@SUM(A1)', '-1x', 'x'.repeat(5000)),
);

/** Personal data as a source might hold it (a name, a note over several lines), carrying the marker so a leak shows. */
export const personalText: fc.Arbitrary<string> = fc
  .tuple(fc.string({ unit: 'grapheme' }), fc.constantFrom('', '\n', '\r\n', '\r', ',', '"'), fc.string())
  .map(([before, separator, after]) => `${PERSONAL_DATA_MARKER} ${before}${separator}${after}`);

/** What a reader's run comes to, whatever its output type. */
export interface ReaderResult {
  /** Records kept: one per good row or document. */
  kept: number;
  quarantine: readonly QuarantineRecord[];
  /** Everything the reader returns, searched for personal data. */
  output: unknown;
}

/** A record is good, or has one checked field made surely bad, or has some given any value at all. */
export type RecordPlan<V> = { kind: 'good' } | { kind: 'bad'; field: number; value: V } | { kind: 'any'; values: [number, V][] };

/** Mostly good records, some with a checked field (by its index among `fields`) made bad, a few with any values. */
export const recordPlan = <V>(fields: number, bad: fc.Arbitrary<V>, any: fc.Arbitrary<V>): fc.Arbitrary<RecordPlan<V>> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant({ kind: 'good' } as const) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('bad' as const), field: fc.nat(fields - 1), value: bad }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('any' as const), values: fc.array(fc.tuple(fc.nat(fields - 1), any), { minLength: 1, maxLength: 4 }) }) },
  );

/** The checked fields a plan sets, by index, with their values. */
export const plannedValues = <V>(plan: RecordPlan<V>): [number, V][] => (plan.kind === 'bad' ? [[plan.field, plan.value]] : plan.kind === 'any' ? plan.values : []);

/**
 * What a reader owes a file made from plans: every record kept or quarantined once, each good one kept, each bad
 * one quarantined at its row (`rowOf` its index) naming the field, and nothing personal in anything it returns.
 */
export function expectPlansHandled(result: ReaderResult, plans: readonly RecordPlan<unknown>[], rowOf: (index: number) => number, checked: readonly string[]): void {
  const rows = new Set(result.quarantine.map((record) => record.row));
  expect(rows.size).toBe(result.quarantine.length);
  expect(result.kept + rows.size).toBe(plans.length);
  const faults = new Map(result.quarantine.map((record) => [record.row, record]));
  plans.forEach((plan, i) => {
    if (plan.kind === 'good') expect(faults.get(rowOf(i))).toBeUndefined();
    if (plan.kind === 'bad') expect(faults.get(rowOf(i))?.field).toBe(checked[plan.field]);
  });
  expectSaysWhereAndWhy(result.quarantine, null);
  expect(JSON.stringify(result.output)).not.toContain(PERSONAL_DATA_MARKER);
}

/** Every quarantine record names its origin (when given) and row, and gives a reason. */
export function expectSaysWhereAndWhy(quarantine: Iterable<QuarantineRecord>, origin: string | null): void {
  for (const record of quarantine) {
    if (origin !== null) expect(record.origin).toBe(origin);
    expect(record.row).toBeGreaterThanOrEqual(0);
    expect(record.reason).not.toBe('');
  }
}

const LINE_BREAK = /\r\n|\r|\n/g;

/** The line each CSV record starts on (1 for the header), counting a break inside a quoted cell as a line. */
export function startLines(text: string): number[] {
  const records = parse(text, { relax_column_count: true }) as string[][];
  let line = 1;
  return records.map((cells) => {
    const start = line;
    line += 1 + cells.reduce((breaks, cell) => breaks + (cell.match(LINE_BREAK)?.length ?? 0), 0);
    return start;
  });
}
