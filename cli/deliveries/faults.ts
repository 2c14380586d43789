// One bad record of each kind the readers must quarantine, put into one delivery: a CQC API document with a
// number where a date string is due, a Companies House profile whose company_number lost its quotes (and its
// leading zero), a Capacity Tracker row about a service no register names, a safeguarding row without its
// date and a commissioner action dated 30 February. The expected quarantine records go back to the caller.
import { isCareHome, type Location } from '../../shared/domain/model.js';
import { PERSONAL_DATA_MARKER } from '../sample/generate.js';
import { companies } from './company-files.js';
import { cqcApiLocation } from './cqc-files.js';
import { roleOf, type Story } from './story.js';
import type { Table } from './tracker-files.js';

export interface Fault {
  kind: string;
  /** The file's path under the deliveries folder, e.g. 2025-03-15/companies-house/09248786.json. */
  file: string;
  /** The CSV line (the header is line 1); null for a JSON document. */
  row: number | null;
  field: string;
}

/** A CQC id in the register's form that no service has. */
const UNKNOWN_LOCATION_ID = '1-100000001';

/** The delivery that carries the faults: the second, so even a short replay has a clean first day. */
export const faultyDelivery = (story: Story): number => Math.min(1, story.deliveries.length - 1);

/** The files of a delivery as the generator builds them: JSON documents and CSV tables by path. */
export interface DeliveryContent {
  json: Map<string, Record<string, unknown>>;
  tables: Map<string, Table>;
}

/** Appends a row to a table and names the line it lands on. */
function appendRow(content: DeliveryContent, path: string, row: (string | number)[]): number {
  const table = content.tables.get(path)!;
  table.rows.push(row);
  return table.rows.length + 1;
}

/** Puts the faults into a delivery's content and says where each is. */
export function injectFaults(story: Story, content: DeliveryContent, index: number): Fault[] {
  const day = story.deliveries[index]!;
  const file = (path: string) => `${day}/${path}`;
  const healthy = (providerId: string) => roleOf(story, providerId) === undefined;
  // A home with no news that month, so the fault hides no rating or manager change.
  const unchanged = (l: Location) => JSON.stringify(cqcApiLocation(story, l, index)) === JSON.stringify(cqcApiLocation(story, l, Math.max(0, index - 1)));
  const home =
    story.locations.find((l) => isCareHome(l) && l.beds > 0 && healthy(l.providerId) && unchanged(l)) ??
    // A market too small to leave such a home beside the story (its homes sold or closed that month): any quiet service.
    story.locations.find(unchanged)!;
  const apiPath = `cqc-api/locations/${home.locationId}.json`;
  content.json.set(apiPath, { ...cqcApiLocation(story, home, index), registrationDate: Number(home.registeredOn.replace(/-/g, '')) });

  // A number with a leading zero shows why a JSON number cannot be padded back: it is refused, not guessed.
  const candidates = companies(story).filter((c) => healthy(c.providerId) && /^\d{8}$/.test(c.companyNumber));
  const company = candidates.find((c) => c.companyNumber.startsWith('0')) ?? candidates[0]!;
  const companyPath = `companies-house/${company.companyNumber}.json`;
  content.json.set(companyPath, { ...content.json.get(companyPath)!, company_number: Number(company.companyNumber) });

  const capacityRow = [...content.tables.get('capacity-tracker.csv')!.rows[0]!];
  capacityRow[0] = UNKNOWN_LOCATION_ID;
  const person = `${PERSONAL_DATA_MARKER} Jane Example`;
  const concernRow = [home.councilGss, home.locationId, '', 'Physical abuse', 'No', '', person, `${PERSONAL_DATA_MARKER} 1940-01-01`, `${PERSONAL_DATA_MARKER} 9430000000`, person];
  const actionRow = [home.locationId, '', home.councilGss, 'placement-embargo', `${day.slice(0, 4)}-02-30`, person];
  return [
    { kind: 'wrong type in a CQC API document', file: file(apiPath), row: null, field: 'registrationDate' },
    { kind: 'company_number as a number', file: file(companyPath), row: null, field: 'company_number' },
    { kind: 'unknown cqcid', file: file('capacity-tracker.csv'), row: appendRow(content, 'capacity-tracker.csv', capacityRow), field: 'cqcid' },
    { kind: 'missing required value', file: file('safeguarding.csv'), row: appendRow(content, 'safeguarding.csv', concernRow), field: 'concern_date' },
    { kind: 'bad date', file: file('commissioner-actions.csv'), row: appendRow(content, 'commissioner-actions.csv', actionRow), field: 'date' },
  ];
}
