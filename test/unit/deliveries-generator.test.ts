// The delivery generator: the same options give the same files, every file reads with the publishers' format
// readers, the only bad records are the ones it means to put in, every personal-data field holds the marker,
// and the story shows in the data without a value that separates healthy from troubled services. A sale of care
// homes shows as CQC publishes a change of owner (new ids, linked both ways, same address) and a closure beside it
// as one with no successor.
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

interface ApiDocument {
  locationId: string;
  providerId: string;
  name: string;
  registrationStatus: string;
  registrationDate: string;
  deregistrationDate?: string;
  numberOfBeds?: number;
  uprn: string;
  postalCode: string;
  relationships: Record<string, string>[];
  gacServiceTypes: unknown[];
  currentRatings?: { overall: { rating: string; reportDate: string; organisationId?: string } };
  regulatedActivities: { contacts: Record<string, unknown>[] }[];
}

/** The CQC API document of a location in a delivery, if the delivery brings one. */
function apiDocument(delivery: Delivery, locationId: string): ApiDocument | undefined {
  const file = delivery.files.find((f) => f.path === `cqc-api/locations/${locationId}.json`);
  return file && (JSON.parse(file.body) as ApiDocument);
}

/** Every CQC API document of every delivery. */
const apiDocuments = (generated: GeneratedDeliveries): ApiDocument[] =>
  generated.deliveries.flatMap((d) => d.files.filter((f) => f.path.startsWith('cqc-api/')).map((f) => JSON.parse(f.body) as ApiDocument));

/** Rows of one CSV in every delivery that brings it, each with its delivery's date. */
const rowsOf = (generated: GeneratedDeliveries, path: string): (Record<string, string> & { delivered: string })[] =>
  generated.deliveries.flatMap((d) => (d.files.some((f) => f.path === path) ? csvRows(fileOf(d, path)).map((row) => ({ ...row, delivered: d.date })) : []));

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

  it('sells eight care homes in three councils on one day to a new provider with its own Companies House profile', () => {
    // Prepare
    const sale = generated.sale!;
    const reporting = generated.deliveries.find((d) => d.date >= sale.on)!;
    const buyerProfile = `companies-house/${sale.buyer.companyNumber}.json`;
    const registerIds = new Set(csvRows(readFileSync(new URL('../../data/cqc/locations-sample.csv', import.meta.url), 'utf8')).flatMap((row) => [row['Location ID']!, row['Provider ID']!]));

    // Act
    const newIds = [sale.buyer.providerId, ...sale.homes.map((home) => home.to)];
    const profiled = generated.deliveries.filter((d) => d.files.some((f) => f.path === buyerProfile)).map((d) => d.date);

    // Assess
    expect(sale.homes).toHaveLength(8);
    expect(new Set(sale.homes.map((home) => home.councilGss)).size).toBe(3);
    expect(sale.buyer.providerId).not.toBe(sale.seller.providerId);
    expect(generated.troubled.map((t) => t.providerId)).not.toContain(sale.seller.providerId);
    for (const id of newIds) expect(id).toMatch(/^1-\d{10,11}$/);
    expect(newIds.filter((id) => registerIds.has(id))).toEqual([]);
    expect(new Set(newIds).size).toBe(newIds.length);
    expect(reporting.date).toBe(generated.deliveries[5]!.date);
    expect(profiled).toEqual(generated.deliveries.filter((d) => d.date >= reporting.date).map((d) => d.date));
    expect(JSON.parse(fileOf(reporting, buyerProfile))).toMatchObject({ company_number: sale.buyer.companyNumber, company_name: sale.buyer.name.toUpperCase(), company_status: 'active' });
  });

  it("names each sold home's successor in its old CQC API document and its predecessor in its new one, with the old rating", () => {
    // Prepare
    const sale = generated.sale!;
    const reporting = generated.deliveries.find((d) => d.date >= sale.on)!;

    // Act
    const pairs = sale.homes.map((home) => ({ home, old: apiDocument(reporting, home.from)!, next: apiDocument(reporting, home.to)! }));

    // Assess
    for (const { home, old, next } of pairs) {
      expect(old).toMatchObject({ registrationStatus: 'Deregistered', deregistrationDate: sale.on, providerId: sale.seller.providerId });
      expect(old.relationships).toEqual([{ relatedLocationId: home.to, relatedLocationName: next.name, type: 'HSCA Successor', reason: 'Change of ownership' }]);
      expect(next).toMatchObject({ registrationStatus: 'Registered', registrationDate: sale.on, providerId: sale.buyer.providerId, name: old.name });
      expect(next.deregistrationDate).toBeUndefined();
      expect(next.relationships).toEqual([{ relatedLocationId: home.from, relatedLocationName: old.name, type: 'HSCA Predecessor', reason: 'Change of ownership' }]);
      expect([next.uprn, next.postalCode, next.numberOfBeds, next.gacServiceTypes]).toEqual([old.uprn, old.postalCode, old.numberOfBeds, old.gacServiceTypes]);
      expect(next.uprn).toBe(home.uprn);
      expect(next.currentRatings?.overall.rating).toBe(old.currentRatings?.overall.rating);
      if (old.currentRatings) expect(next.currentRatings!.overall).toMatchObject({ reportDate: old.currentRatings.overall.reportDate, organisationId: home.from });
    }
    expect(pairs.filter(({ old }) => old.currentRatings !== undefined).length).toBeGreaterThan(4);
  });

  it("lists the buyer's homes in the register after the sale at the same UPRN, and ends the seller's on the sale day", () => {
    // Prepare
    const sale = generated.sale!;
    const registers = generated.deliveries.filter((d) => d.files.some((f) => f.path === 'register.csv'));

    // Act
    const after = registers.find((d) => d.date >= sale.on)!;
    const rows = new Map(csvRows(fileOf(after, 'register.csv')).map((row) => [row['Location ID']!, row]));
    const before = registers.filter((d) => d.date < sale.on).flatMap((d) => csvRows(fileOf(d, 'register.csv')).map((row) => row['Location ID']));

    // Assess
    expect(after.date).toBe(generated.deliveries.find((d) => d.date >= sale.on)!.date);
    for (const home of sale.homes) {
      const [old, next] = [rows.get(home.from)!, rows.get(home.to)!];
      expect(old['Location HSCA end date']).toBe(sale.on);
      expect(next).toMatchObject({ 'Provider ID': sale.buyer.providerId, 'Provider Name': sale.buyer.name, 'Location HSCA start date': sale.on, 'Location HSCA end date': '' });
      expect(next['Provider Companies House Number']).toBe(sale.buyer.companyNumber);
      expect(next['Location UPRN']).toBe(old['Location UPRN']);
      expect(next['Location UPRN']).toBe(home.uprn);
      expect(before).not.toContain(home.to);
    }
  });

  it('continues the sold homes\' capacity returns and concerns under their new ids from the sale, one falling across it', () => {
    // Prepare
    const sale = generated.sale!;
    const [oldIds, newIds] = [new Set(sale.homes.map((home) => home.from)), new Set(sale.homes.map((home) => home.to))];
    const returns = rowsOf(generated, 'capacity-tracker.csv');
    const concerns = rowsOf(generated, 'safeguarding.csv');
    const falling = sale.homes.find((home) => home.from === sale.falling)!;

    // Act
    const after = returns.filter((row) => row.delivered > sale.on);
    const occupancy = returns
      .filter((row) => row.cqcid === falling.from || row.cqcid === falling.to)
      .map((row) => ({ delivered: row.delivered, share: Number(row.usedbeds) / Number(row.maxcapacity) }));
    const [first, beforeSale, last] = [occupancy[0]!, occupancy.filter((o) => o.delivered < sale.on).at(-1)!, occupancy.at(-1)!];

    // Assess
    expect(after.filter((row) => oldIds.has(row.cqcid!))).toEqual([]);
    expect(new Set(after.filter((row) => newIds.has(row.cqcid!)).map((row) => row.cqcid))).toEqual(newIds);
    expect(after.filter((row) => newIds.has(row.cqcid!)).every((row) => row.parentorganisation === sale.buyer.name)).toBe(true);
    expect(returns.filter((row) => row.delivered < sale.on && newIds.has(row.cqcid!))).toEqual([]);
    expect(concerns.filter((row) => oldIds.has(row.location_id!) && row.concern_date! >= sale.on)).toEqual([]);
    expect(concerns.filter((row) => newIds.has(row.location_id!) && row.concern_date! < sale.on)).toEqual([]);
    expect(concerns.some((row) => newIds.has(row.location_id!))).toBe(true);
    expect(occupancy.map((o) => o.delivered)).toEqual(generated.deliveries.map((d) => d.date));
    expect(beforeSale.share).toBeLessThan(first.share);
    expect(last.share).toBeLessThan(beforeSale.share);
  });

  it("closes another provider's care home in the same delivery with no successor, no new registration at its address, and councils placing there", () => {
    // Prepare
    const { sale, closure } = generated as Required<GeneratedDeliveries>;
    const reporting = generated.deliveries.find((d) => d.date >= sale.on)!;
    const documents = apiDocuments(generated);

    // Act
    const closed = apiDocument(reporting, closure.locationId)!;
    const atItsAddress = new Set(documents.filter((d) => d.uprn === closure.uprn).map((d) => d.locationId));
    const placements = csvRows(fileOf(generated.deliveries[0]!, 'placements.csv')).filter((row) => row.location_id === closure.locationId);
    const registerRow = csvRows(fileOf(reporting, 'register.csv')).find((row) => row['Location ID'] === closure.locationId)!;
    const returnsAfter = rowsOf(generated, 'capacity-tracker.csv').filter((row) => row.cqcid === closure.locationId && row.delivered > closure.on);

    // Assess
    expect(generated.deliveries.find((d) => d.date >= closure.on)).toBe(reporting);
    expect(Math.abs(Date.parse(closure.on) - Date.parse(sale.on))).toBeLessThanOrEqual(3 * 86_400_000);
    expect([sale.seller.providerId, ...generated.troubled.map((t) => t.providerId)]).not.toContain(closure.providerId);
    expect(closed).toMatchObject({ registrationStatus: 'Deregistered', deregistrationDate: closure.on, relationships: [] });
    expect([...atItsAddress]).toEqual([closure.locationId]);
    expect(registerRow['Location HSCA end date']).toBe(closure.on);
    expect(placements.map((row) => row.council_gss)).toEqual(closure.placingCouncils);
    expect(closure.placingCouncils[0]).toBe(closure.councilGss);
    expect(closure.placingCouncils.length).toBeGreaterThan(1);
    expect(returnsAfter).toEqual([]);
  });

  it('writes a UPRN and a postcode in every CQC API document, and personal data only in its registered manager contacts', () => {
    // Prepare
    const documents = apiDocuments(generated);

    // Act
    const withoutContacts = documents.map((d) => ({ ...d, regulatedActivities: d.regulatedActivities.map((a) => ({ ...a, contacts: [] })) }));

    // Assess
    expect(documents.length).toBeGreaterThan(200);
    for (const d of documents) {
      expect(d.uprn, d.locationId).toMatch(/^\d{1,12}$/);
      expect(d.postalCode, d.locationId).toMatch(/^[A-Z]{1,2}\d{1,2} \d[A-Z]{2}$/);
    }
    expect(withoutContacts.filter((d) => JSON.stringify(d).includes(PERSONAL_DATA_MARKER)).map((d) => d.locationId)).toEqual([]);
  });

  it('tells the same sale and closure for the same seed, from the provider with most homes in a market too small for a group', () => {
    // Prepare
    const small = { seed: 20251015, months: 3, locations: 40, last: '2025-10-15' };

    // Act
    const [once, again] = [generateDeliveries(small), generateDeliveries(small)];

    // Assess
    expect(again).toEqual(once);
    expect(once.sale!.homes.length).toBeGreaterThan(0);
    expect(once.sale!.on > once.deliveries[0]!.date && once.sale!.on <= once.deliveries[1]!.date).toBe(true);
    expect(once.closure!.on > once.deliveries[0]!.date && once.closure!.on <= once.deliveries[1]!.date).toBe(true);
    expect(once.deliveries[1]!.files.map((f) => f.path)).toEqual(expect.arrayContaining(['register.csv', ...once.sale!.homes.map((home) => `cqc-api/locations/${home.to}.json`)]));
    expect(once.faults).toHaveLength(5);
  });
});
