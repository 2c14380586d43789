// Monthly delivery folders as a council would receive them from the publishers, for `start --deliveries`:
// `DIR/<YYYY-MM-DD>/` holding the CQC register extract (first delivery, again halfway and with the sale), CQC API
// location documents (all at first, then the new and changed ones), Companies House profiles and insolvency
// resources, the Capacity Tracker export (with six earlier months at first), the councils' safeguarding and
// commissioner returns, and placements (first delivery). Fixed seed, real register rows, no scoring code: see story.ts.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { addMonths, monthOf } from '../../shared/domain/dates.js';
import type { IsoDate } from '../../shared/domain/model.js';
import { companies, companyProfile, insolvencyResource } from './company-files.js';
import { commissionerTable, safeguardingTable } from './council-files.js';
import { changedLocations, cqcApiLocation, registerCsv } from './cqc-files.js';
import { type DeliveryContent, type Fault, faultyDelivery, injectFaults } from './faults.js';
import { type DeliveryOptions, type Role, type Story, tellStory } from './story.js';
import { BACKFILL_MONTHS, capacityTable, placementsTable, placingCouncils } from './tracker-files.js';

export interface DeliveryFile {
  /** The path under the delivery's date folder. */
  path: string;
  body: string;
}

export interface Delivery {
  date: IsoDate;
  files: DeliveryFile[];
}

export interface GeneratedDeliveries {
  deliveries: Delivery[];
  /** The bad records put in, each with the quarantine record it must give. */
  faults: Fault[];
  locations: number;
  providers: number;
  /** The providers the story puts in trouble. */
  troubled: { providerId: string; name: string; role: Role; locations: number; councils: number }[];
  /**
   * The care homes sold on one day, each with its id under the seller and under the buyer; `falling` is the old id
   * of the one whose occupancy falls across the sale.
   */
  sale?: {
    on: IsoDate;
    seller: { providerId: string; name: string };
    buyer: { providerId: string; name: string; companyNumber: string };
    homes: { from: string; to: string; councilGss: string; uprn: string }[];
    falling: string;
  };
  /** The care home closed with no successor in the delivery of the sale, and the councils placing residents there (its own first). */
  closure?: { locationId: string; providerId: string; on: IsoDate; councilGss: string; uprn: string; placingCouncils: string[] };
}

/**
 * The register comes with the first delivery, again halfway through a longer run, and with the sale, so the
 * buyer and its homes are known with their first returns.
 */
const bringsRegister = (story: Story, index: number): boolean =>
  index === 0 || (story.deliveries.length >= 4 && index === Math.floor(story.deliveries.length / 2)) || index === story.sale?.index;

function deliveryContent(story: Story, index: number): DeliveryContent {
  const content: DeliveryContent = { json: new Map(), tables: new Map() };
  for (const location of changedLocations(story, index)) content.json.set(`cqc-api/locations/${location.locationId}.json`, cqcApiLocation(story, location, index));
  for (const company of companies(story)) {
    content.json.set(`companies-house/${company.companyNumber}.json`, companyProfile(story, company, index));
    const insolvency = insolvencyResource(story, company, index);
    if (insolvency) content.json.set(`companies-house/${company.companyNumber}-insolvency.json`, insolvency);
  }
  // The buyer's company is polled once the register names it.
  const { sale } = story;
  if (sale && index >= sale.index) content.json.set(`companies-house/${sale.buyer.companyNumber}.json`, companyProfile(story, sale.buyer, index));
  content.tables.set('capacity-tracker.csv', capacityTable(story, index));
  if (index === 0) {
    for (let month = -BACKFILL_MONTHS; month < 0; month++) {
      content.tables.set(`capacity-tracker/${monthOf(addMonths(story.deliveries[0]!, month))}.csv`, capacityTable(story, month));
    }
    content.tables.set('placements.csv', placementsTable(story));
  }
  content.tables.set('safeguarding.csv', safeguardingTable(story, index));
  content.tables.set('commissioner-actions.csv', commissionerTable(story, index));
  return content;
}

export function generateDeliveries(options: DeliveryOptions): GeneratedDeliveries {
  const story = tellStory(options, placingCouncils);
  const faults: Fault[] = [];
  const deliveries = story.deliveries.map((date, index) => {
    const content = deliveryContent(story, index);
    if (index === faultyDelivery(story)) faults.push(...injectFaults(story, content, index));
    const files = [
      ...(bringsRegister(story, index) ? [{ path: 'register.csv', body: registerCsv(story, index) }] : []),
      ...[...content.json].map(([path, document]) => ({ path, body: `${JSON.stringify(document, null, 2)}\n` })),
      ...[...content.tables].map(([path, table]) => ({ path, body: stringify([table.header, ...table.rows]) })),
    ].sort((a, b) => a.path.localeCompare(b.path));
    return { date, files };
  });
  const troubled = [...story.roles].map(([providerId, role]) => {
    const locations = story.byProvider.get(providerId)!;
    const name = story.providers.find((p) => p.providerId === providerId)!.name;
    return { providerId, name, role, locations: locations.length, councils: new Set(locations.map((l) => l.councilGss)).size };
  });
  const { sale, closure } = story;
  return {
    deliveries,
    faults,
    locations: story.locations.length,
    providers: story.providers.length,
    troubled,
    ...(sale && {
      sale: {
        on: sale.on,
        seller: { providerId: sale.seller.providerId, name: sale.seller.name },
        buyer: { providerId: sale.buyer.providerId, name: sale.buyer.name, companyNumber: sale.buyer.companyNumber },
        homes: sale.homes.map(({ from, to }) => ({ from: from.locationId, to: to.locationId, councilGss: from.councilGss, uprn: from.uprn! })),
        falling: sale.falling.from.locationId,
      },
    }),
    ...(closure && {
      closure: {
        locationId: closure.location.locationId,
        providerId: closure.location.providerId,
        on: closure.on,
        councilGss: closure.location.councilGss,
        uprn: closure.location.uprn!,
        placingCouncils: placingCouncils(story, closure.location).map((p) => p.councilGss),
      },
    }),
  };
}

/** Writes the folders; refuses a folder that already holds anything, so no old delivery is mixed in. */
export async function writeDeliveries(dir: string, generated: GeneratedDeliveries): Promise<void> {
  const existing = await readdir(dir).catch(() => []);
  if (existing.length > 0) throw new Error(`${dir} is not empty: choose a new folder for the deliveries`);
  for (const { date, files } of generated.deliveries) {
    for (const file of files) {
      const path = join(dir, date, file.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.body);
    }
  }
}
