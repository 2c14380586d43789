// The main job end to end on DynamoDB Local and fauxqs, with every file landed twice: the second pass must
// store and send nothing new. Personal-data markers in the generated inputs must reach no output file, no
// SNS message and no log line (the handlers' logs are captured at the most verbose level). The run is the
// one the browser walk also stands on (test/support/sample-run.ts): made once per `vitest run`.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, type PipelineResult } from '../../cli/local/pipeline.js';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import { sampleRun } from '../support/sample-run.js';

describe('the local pipeline on real engines', () => {
  let outDir: string;
  let result: PipelineResult;
  let logged: string[];

  beforeAll(async () => {
    ({ outDir, result, logged } = await sampleRun());
  }, 600_000);

  it('writes a score for every location of the bundled register sample', async () => {
    // Prepare
    const register = parse(await readFile(DEFAULTS.registerFile), { columns: true }) as Record<string, string>[];

    // Act
    const scores = parse(await readFile(join(outDir, 'scores.csv')), { columns: true }) as Record<string, string>[];

    // Assess
    const scoredLocations = new Set(scores.filter((row) => row.subject_type === 'location').map((row) => row.subject_id));
    const quarantined = new Set(result.quarantine.map((q) => q.recordId));
    for (const row of register) {
      const id = row['Location ID']!;
      expect(scoredLocations.has(id) || quarantined.has(id), `location ${id}`).toBe(true);
    }
    expect(scoredLocations.size + quarantined.size).toBe(register.length);
    expect(await readdir(outDir)).toEqual(expect.arrayContaining(['scores.csv', 'heatmap.json', 'heatmap.html', 'escalations.jsonl', 'quarantine.jsonl']));
  });

  it('stores and sends nothing new when every input is fed a second time', () => {
    // Assess
    expect(result.ingested.signalsStored).toBeGreaterThan(1000);
    expect(result.replayed).toEqual({ signalsStored: 0, decisions: 0, noticesPublished: 0 });
    expect(result.duplicatesDropped).toBe(0);
  });

  it('delivers each escalation only to the queue of the recipient it names', () => {
    // Assess
    expect(result.delivered.length).toBeGreaterThan(0);
    for (const { queueRecipient, message } of result.delivered) expect(message.recipient.id).toBe(queueRecipient);
  });

  it('reaches every host council of every Red provider', () => {
    // Prepare
    const reached = new Map<string, Set<string>>();
    // A provider's change may arrive inside its group's notice, listed among the changes it covers.
    for (const { message } of result.delivered) {
      for (const subjectId of [message.subject.id, ...message.alsoCovers.map((c) => c.subject.id)]) {
        const recipients = reached.get(subjectId) ?? new Set<string>();
        recipients.add(message.recipient.id);
        reached.set(subjectId, recipients);
      }
    }

    // Assess
    const red = result.assessments.providers.filter((p) => p.band === 'Red');
    expect(red.length).toBeGreaterThan(0);
    for (const provider of red) for (const gss of provider.councils) expect(reached.get(provider.subject.id)?.has(gss), `${provider.subject.id} to ${gss}`).toBe(true);
  });

  it('keeps personal-data markers out of every output file, every message and every log line', async () => {
    // Prepare
    const files = await Promise.all((await readdir(outDir)).map((name) => readFile(join(outDir, name), 'utf8')));

    // Assess
    expect(logged.some((line) => line.includes('"level":"DEBUG"') || line.includes('"level":"INFO"'))).toBe(true);
    for (const text of [...files, JSON.stringify(result.delivered), ...logged]) expect(text).not.toContain(PERSONAL_DATA_MARKER);
  });

  it('records a disclosure in the audit trail for every change delivered about the audited subject, naming the notice it went in', () => {
    // Prepare
    const changes = result.delivered.flatMap(({ message }) =>
      [{ key: message.idempotencyKey, subjectId: message.subject.id }, ...message.alsoCovers.map((c) => ({ key: c.idempotencyKey, subjectId: c.subject.id }))].map((c) => ({ ...c, sentAs: message.idempotencyKey })),
    );

    // Assess
    expect(result.audit).not.toBeNull();
    const delivered = changes.filter((c) => c.subjectId === result.audit!.subjectId).map(({ key, sentAs }) => ({ key, sentAs }));
    const audited = result.audit!.disclosures.map((d) => ({ key: d.idempotencyKey, sentAs: d.sentAs }));
    expect(audited.sort((a, b) => a.key.localeCompare(b.key))).toEqual(delivered.sort((a, b) => a.key.localeCompare(b.key)));
  });

  it('builds heat map cells for all 153 councils, 9 ADASS regions and England', () => {
    // Assess
    expect(result.heatMapCells).toBe(153 + 9 + 1);
  });
});
