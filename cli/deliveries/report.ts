// What `start --deliveries` prints: a row per replayed day, then who was sent how many notices on which day.
import type { ReplayResult } from './replay.js';

const table = (rows: readonly (readonly (string | number)[])[], leftAligned: number): string[] => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  return rows.map((row) => `  ${row.map((cell, c) => (c < leftAligned ? String(cell).padEnd(widths[c]!) : String(cell).padStart(widths[c]!))).join('  ')}`.trimEnd());
};

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function replaySummary(result: ReplayResult, where: { outDir: string; stateDir: string }): string[] {
  const lines: string[] = [];
  if (result.skipped.length > 0) lines.push(`Skipped ${result.skipped.length} days the kept state had replayed (${result.skipped[0]} to ${result.skipped.at(-1)}).`);
  const sum = (pick: (day: ReplayResult['days'][number]) => number) => result.days.reduce((total, day) => total + pick(day), 0);
  lines.push(
    'By delivery',
    ...table(
      [
        ['date', 'files', 'signals stored', 'quarantined', 'Red locations', 'Red providers', 'decisions', 'notices delivered'],
        ...result.days.map((d) => [d.date, d.files, d.signalsStored, d.quarantined.length, d.red.locations, d.red.providers, d.decisions, d.delivered.length]),
        ['total', sum((d) => d.files), sum((d) => d.signalsStored), sum((d) => d.quarantined.length), '', '', sum((d) => d.decisions), sum((d) => d.delivered.length)],
      ],
      1,
    ),
  );
  const last = result.days.at(-1);
  if (last) {
    const d = last.deregistrations;
    lines.push(
      '',
      `Registrations cancelled in the 12 months to ${last.date}: ${count(d.closures, 'closure')} (no successor known: Red, councils told); ` +
        `${count(d.ownershipChanges, 'change', 'changes')} of owner, ${count(d.moves, 'move')} and ${count(d.otherSuccessions, 'other transfer')} (a successor registration: no alarm).`,
    );
  }
  const perRecipient = result.days.flatMap((day) => {
    const counts = new Map<string, number>();
    for (const { queueRecipient, message } of day.delivered) {
      const recipient = `${message.recipient.name} (${queueRecipient})`;
      counts.set(recipient, (counts.get(recipient) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([recipient, count]) => [day.date, recipient, count] as const);
  });
  lines.push('', 'Notices per recipient per day (recipients that received any)');
  lines.push(...(perRecipient.length > 0 ? table([['date', 'recipient', 'notices'], ...perRecipient], 2) : ['  none']));
  lines.push('', `Wrote ${where.outDir}/<date>/scores.csv, escalations.jsonl, quarantine.jsonl and heatmap.json; DynamoDB Local's database is in ${where.stateDir}/.`);
  return lines;
}
