// The delivery generator: the same options give the same files, every file reads with the publishers' format
// readers, the only bad records are the ones it means to put in, every personal-data field holds the marker,
// and the story shows in the data without a value that separates healthy from troubled services.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Delivery, generateDeliveries, type GeneratedDeliveries } from '../../cli/deliveries/generate.js';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import type { Provider, QuarantineRecord } from '../../shared/domain/model.js';
import type { ParseContext, SourceParser } from '../../shared/sources/batch.js';
import { parseCapacityTracker } from '../../shared/sources/capacity-tracker.js';
import { parseCommissionerActions } from '../../shared/sources/commissioner-actions.js';
import { normaliseCompanyNumber } from '../../shared/sources/companies-house.js';
import { parseCompaniesHouseApi } from '../../shared/sources/companies-house-api.js';
import { parseCqcApiLocations } from '../../shared/sources/cqc-api.js';
import { parseCqcRegister } from '../../shared/sources/cqc-register.js';
import { parsePlacements } from '../../shared/sources/placements.js';
import { parseSafeguardingReturn } from '../../shared/sources/safeguarding.js';

const OPTIONS = { seed: 20251015, months: 9, locations: 200, last: '2025-10-15' };

/** The reader of each file the generator writes, by its path (ingest tells them by content; this test by name). */
const READERS: [RegExp, SourceParser][] = [
  [/^register\.csv$/, parseCqcRegister],
  [/^cqc-api\//, parseCqcApiLocations],
  [/^companies-house\//, parseCompaniesHouseApi],
  [/^capacity-tracker/, parseCapacityTracker],
  [/^safeguarding\.csv$/, parseSafeguardingReturn],
  [/^commissioner-actions\.csv$/, parseCommissionerActions],
  [/^placements\.csv$/, (text, context) => ({ signals: [], locations: [], providers: [], groups: [], quarantine: parsePlacements(text, context).quarantine })],
];

const fileOf = (delivery: Delivery, path: string): string => delivery.files.find((f) => f.path === path)!.body;
const csvRows = (text: string): Record<string, string>[] => parse(text, { columns: true }) as Record<string, string>[];

describe('generateDeliveries', () => {
  let generated: GeneratedDeliveries;
  beforeAll(() => {
    generated = generateDeliveries(OPTIONS);
  });

  it('writes the same files for the same options, and monthly deliveries of about the locations asked for', () => {
    // Act
    const again = generateDeliveries(OPTIONS);

    // Assess
    expect(again).toEqual(generated);
    expect(generated.deliveries.map((d) => d.date)).toEqual(['2025-02-15', '2025-03-15', '2025-04-15', '2025-05-15', '2025-06-15', '2025-07-15', '2025-08-15', '2025-09-15', '2025-10-15']);
    expect(generated.locations).toBeGreaterThan(190);
    expect(generated.locations).toBeLessThanOrEqual(200);
  });

  it('gives the readers of each format nothing to quarantine but the one bad record of each kind it put in', () => {
    // Prepare
    let providers: Provider[] = [];
    const quarantine: QuarantineRecord[] = [];

    // Act
    for (const delivery of generated.deliveries) {
      // The register first, as the replay lands it: Companies House files find their providers through it.
      for (const file of [...delivery.files].sort((a, b) => Number(b.path === 'register.csv') - Number(a.path === 'register.csv'))) {
        const context: ParseContext = { origin: `${delivery.date}/${file.path}`, receivedOn: delivery.date, snapshotOn: delivery.date };
        const byNumber = new Map(providers.flatMap((p) => (p.companyNumber ? [[normaliseCompanyNumber(p.companyNumber), [p.providerId]] as const] : [])));
        const read = READERS.find(([pattern]) => pattern.test(file.path))![1];
        const batch = read(file.body, { ...context, providersByCompanyNumber: byNumber });
        if (file.path === 'register.csv') providers = batch.providers;
        quarantine.push(...batch.quarantine);
      }
    }

    // Assess: the unknown service is refused at ingest, not by its reader
    const readerFaults = generated.faults.filter((f) => f.field !== 'cqcid');
    expect(quarantine.map((q) => ({ file: q.origin, field: q.field }))).toEqual(
      expect.arrayContaining(readerFaults.map((f) => ({ file: f.file, field: f.field }))),
    );
    expect(quarantine).toHaveLength(readerFaults.length);
    expect(new Set(generated.faults.map((f) => f.kind)).size).toBe(5);
  });

  it('puts the personal-data marker in every field of the formats that holds personal data', () => {
    // Prepare
    const first = generated.deliveries[0]!;
    const insolvency = generated.deliveries.flatMap((d) => d.files).find((f) => f.path.endsWith('-insolvency.json'))!;
    const apiDocument = JSON.parse(first.files.find((f) => f.path.startsWith('cqc-api/'))!.body) as { regulatedActivities: { contacts: Record<string, unknown>[] }[] };

    // Act
    const values = [
      ...csvRows(fileOf(first, 'register.csv')).map((row) => row['Registered manager']),
      ...apiDocument.regulatedActivities.flatMap((a) => a.contacts.flatMap((c) => [c.personGivenName, c.personFamilyName])),
      ...csvRows(fileOf(first, 'capacity-tracker.csv')).map((row) => row.completedby),
      ...csvRows(fileOf(first, 'safeguarding.csv')).flatMap((row) => [row.adult_name, row.date_of_birth, row.nhs_number, row.free_text]),
      ...(JSON.parse(insolvency.body) as { cases: { practitioners: { name: string }[] }[] }).cases.flatMap((c) => c.practitioners.map((p) => p.name)),
    ];

    // Assess
    expect(values.length).toBeGreaterThan(200);
    for (const value of values) expect(value).toContain(PERSONAL_DATA_MARKER);
  });

  it('tells the story of the providers in trouble in the data itself', () => {
    // Prepare
    const last = generated.deliveries.at(-1)!;
    const national = generated.troubled.find((t) => t.role === 'national')!;
    const documents = generated.deliveries.flatMap((d) => d.files.filter((f) => f.path.endsWith('.json')).map((f) => JSON.parse(f.body) as Record<string, unknown>));

    // Act
    const inAdministration = last.files.filter((f) => f.path.endsWith('-insolvency.json')).length;
    const inadequate = documents.filter((d) => (d.currentRatings as { overall?: { rating?: string } } | undefined)?.overall?.rating === 'Inadequate' && d.providerId === national.providerId);
    const enquiries = generated.deliveries.flatMap((d) => csvRows(fileOf(d, 'safeguarding.csv'))).filter((row) => row.section_42_enquiry === 'Yes');
    const overdue = documents.filter((d) => (d.accounts as { overdue?: boolean } | undefined)?.overdue === true);

    // Assess
    expect(national.councils).toBeGreaterThanOrEqual(10);
    expect(inAdministration).toBe(2);
    expect(inadequate.length).toBeGreaterThan(0);
    expect(enquiries.length).toBeGreaterThan(20);
    expect(overdue.length).toBeGreaterThan(0);
  });

  it('keeps the occupancy of healthy homes and of homes in trouble overlapping, even at the end of the slide', () => {
    // Prepare
    const troubled = new Set(generated.troubled.map((t) => t.name));
    const rows = csvRows(fileOf(generated.deliveries.at(-1)!, 'capacity-tracker.csv')).filter((row) => Number(row.maxcapacity) >= 5);

    // Act
    const occupancy = (inTrouble: boolean) => rows.filter((row) => troubled.has(row.parentorganisation!) === inTrouble).map((row) => Number(row.usedbeds) / Number(row.maxcapacity));
    const [healthy, inTrouble] = [occupancy(false), occupancy(true)];

    // Assess
    expect(inTrouble.length).toBeGreaterThan(3);
    expect(Math.min(...healthy)).toBeLessThan(Math.max(...inTrouble));
  });

  it('imports nothing from the scoring code or its configuration, directly or through its own modules', () => {
    // Prepare
    const forbidden = /shared\/(config\/|domain\/(scoring|roll-up|score-market|baseline|risk-model|trends)(\.js)?$)/;
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const reached = new Set<string>();
    const specifiers: string[] = [];

    // Act: every module the generator reaches through the project's own relative imports
    const follow = (file: string): void => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        specifiers.push(specifier!);
        if (specifier!.startsWith('.')) follow(resolve(dirname(file), specifier!.replace(/\.js$/, '.ts')));
      }
    };
    follow(resolve(root, 'cli/deliveries/generate.ts'));

    // Assess
    expect(reached.size).toBeGreaterThan(8);
    expect(specifiers.filter((s) => forbidden.test(s))).toEqual([]);
  });
});
