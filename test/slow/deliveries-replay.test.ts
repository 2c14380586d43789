// `npm start -- --deliveries DIR` end to end on DynamoDB Local and fauxqs, as a person runs it: three monthly
// deliveries of about forty services replayed from empty engines, then once more on the kept state, then again
// from empty engines, each in its own process. Each day's folder holds its four files, each bad record is
// quarantined once under its file's path, no personal-data marker reaches an output, each notice carries the
// fields recipients route on, and the second replay from empty engines writes the same bytes as the first.
// Three replays, a minute or more: `npm run test:slow`.
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GeneratedDeliveries } from '../../cli/deliveries/generate.js';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import { filesUnder, replayDeliveries, writeTestDeliveries } from '../support/deliveries.js';

const DAY_FILES = ['escalations.jsonl', 'heatmap.json', 'quarantine.jsonl', 'scores.csv'];

/** The records of the JSON-lines files of one kind, each with the day of the folder it is in. */
const recordsOf = (files: Map<string, Buffer>, name: string): Record<string, unknown>[] =>
  [...files]
    .filter(([path]) => path.endsWith(name))
    .flatMap(([path, bytes]) => bytes.toString('utf8').split('\n').filter(Boolean).map((line): Record<string, unknown> => ({ ...(JSON.parse(line) as object), day: path.slice(0, 10) })));

describe('replaying dated deliveries', () => {
  let root: string;
  let generated: GeneratedDeliveries;
  let first: { printed: string; files: Map<string, Buffer> };
  let continued: string;
  let second: Map<string, Buffer>;

  beforeAll(async () => {
    root = await mkdtemp(join(inject('sharedDir'), 'care-market-deliveries-'));
    generated = await writeTestDeliveries(root);
    first = { printed: await replayDeliveries(root, 'first', 'state'), files: await filesUnder(join(root, 'first')) };
    continued = await replayDeliveries(root, 'continued', 'state', '--continue');
    await replayDeliveries(root, 'second', 'state-second');
    second = await filesUnder(join(root, 'second'));
  }, 900_000);

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('writes the four files of each delivery day into its own folder and prints a row for each day', () => {
    // Prepare
    const dates = generated.deliveries.map((d) => d.date);

    // Act
    const rows = first.printed.split('\n').filter((line) => /^ {2}\d{4}-\d{2}-\d{2} +\d+ +\d+ +\d+ +\d+ +\d+ +\d+ +\d+$/.test(line));

    // Assess
    expect([...first.files.keys()].sort()).toEqual(dates.flatMap((date) => DAY_FILES.map((name) => join(date, name))));
    expect(rows.map((row) => row.trim().slice(0, 10))).toEqual(dates);
    expect(first.printed).toMatch(/Done in \d+\.\d s\./);
    // The story's sale is told apart from its closure.
    expect(first.printed).toContain(`1 closure (no successor known: Red, councils told); ${generated.sale!.homes.length} changes of owner, 0 moves`);
  });

  it('quarantines each bad record once, on its day, naming its field and its file as a path under the deliveries folder', () => {
    // Prepare
    const quarantine = recordsOf(first.files, 'quarantine.jsonl');

    // Assess
    expect(generated.faults).toHaveLength(5);
    for (const fault of generated.faults) {
      const matching = quarantine.filter((q) => q.file === fault.file && q.field === fault.field && (fault.row === null || q.row === fault.row));
      expect(matching, fault.kind).toHaveLength(1);
      expect(matching[0]!.day).toBe(fault.file.slice(0, 10));
      // A CSV record is named by its line; a JSON file's by its field path alone.
      expect(matching[0]!.row).toBe(fault.row);
      expect(matching[0]!.reason).toEqual(expect.any(String));
      expect(Object.keys(matching[0]!).sort()).toEqual(['day', 'field', 'file', 'reason', 'row', 'source']);
    }
    expect(quarantine).toHaveLength(generated.faults.length);
  });

  it('writes no personal-data marker into any output file or what it prints', () => {
    // Assess
    expect(first.printed).not.toContain(PERSONAL_DATA_MARKER);
    expect(first.files.size).toBeGreaterThan(0);
    for (const [path, bytes] of first.files) expect(bytes.includes(PERSONAL_DATA_MARKER), path).toBe(false);
  });

  it('writes a line per delivered notice with its tier, recipient and subject, and prints the count per recipient per day', () => {
    // Prepare
    const national = generated.troubled.find((t) => t.role === 'national')!;
    const lines = recordsOf(first.files, 'escalations.jsonl');

    // Act
    const reached = new Set(lines.filter((l) => (l.subject as { id: string }).id === national.providerId).map((l) => l.deliveredTo));
    const printedCounts = [...first.printed.matchAll(/^ {2}(\d{4}-\d{2}-\d{2}) +.+ \((\S+)\) +(\d+)$/gm)].map(([, day, recipient, count]) => `${day} ${recipient} ${count}`);
    const counted = new Map<string, number>();
    for (const l of lines) counted.set(`${l.day} ${l.deliveredTo}`, (counted.get(`${l.day} ${l.deliveredTo}`) ?? 0) + 1);

    // Assess
    expect(printedCounts.sort()).toEqual([...counted].map(([key, count]) => `${key} ${count}`).sort());
    for (const line of lines) {
      expect(line).toMatchObject({
        tier: expect.stringMatching(/^(local|regional|national)$/),
        recipient: { id: line.deliveredTo, kind: expect.stringMatching(/^(host-council|placing-council|adass-network|national)$/) },
        subject: { type: expect.any(String), id: expect.any(String), cqcProviderIds: expect.any(Array), cqcLocationIds: expect.any(Array) },
      });
    }
    expect(reached.size).toBeGreaterThanOrEqual(national.councils);
  });

  it('keeps its database in the state folder, so a continued run finds every day already replayed', () => {
    // Prepare
    const dates = generated.deliveries.map((d) => d.date);

    // Assess
    expect(continued).toContain(`Skipped ${dates.length} days the kept state had replayed (${dates[0]} to ${dates.at(-1)}).`);
    expect(continued).not.toMatch(/^ {2}\d{4}-\d{2}-\d{2} +\d+ +\d+/m);
  });

  it('writes byte-identical files when the same deliveries are replayed again from empty engines', () => {
    // Assess
    expect(first.files.size).toBeGreaterThan(0);
    expect(second.size).toBe(first.files.size);
    for (const [path, bytes] of first.files) expect(second.get(path)?.equals(bytes), path).toBe(true);
  });
});
