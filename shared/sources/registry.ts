// Which parser reads which landed file: the first folder of the object key names the source, the second
// the snapshot date it describes, e.g. `capacity-tracker/2025-10-14/returns.csv`.
import type { IsoDate } from '../domain/model.js';
import type { SourceParser } from './batch.js';
import { parseCapacityTracker } from './capacity-tracker.js';
import { parseCommissionerActions } from './commissioner-actions.js';
import { parseCompaniesHouse } from './companies-house.js';
import { parseCompaniesHouseApi } from './companies-house-api.js';
import { parseCqcApiLocations } from './cqc-api.js';
import { parseCqcRegister } from './cqc-register.js';
import { parseSafeguardingReturn } from './safeguarding.js';

/**
 * Companies House files come as the fetcher's envelope (a provider id around the resources, a line each) or as
 * the API's own resources: an envelope's first line is a whole document with a `profile`.
 */
const parseCompaniesHouseFile: SourceParser = (text, context) => {
  const firstLine = text.replace(/^\uFEFF/, '').trimStart().split(/\r?\n/, 1)[0] ?? '';
  let envelope = false;
  try {
    const json: unknown = JSON.parse(firstLine);
    envelope = json !== null && typeof json === 'object' && 'profile' in json;
  } catch {
    // A pretty-printed API resource's first line is not a document by itself.
  }
  return (envelope ? parseCompaniesHouse : parseCompaniesHouseApi)(text, context);
};

export const SIGNAL_SOURCES: Record<string, SourceParser> = {
  'cqc-register': parseCqcRegister,
  'cqc-api': parseCqcApiLocations,
  'capacity-tracker': parseCapacityTracker,
  safeguarding: parseSafeguardingReturn,
  'companies-house': parseCompaniesHouseFile,
  'commissioner-actions': parseCommissionerActions,
};

/** Placements are reference data for the protocol, not signals. */
export const PLACEMENTS_PREFIX = 'placements';

export interface LandedKey {
  prefix: string;
  snapshotOn: IsoDate;
}

export function parseLandedKey(key: string): LandedKey | { error: string } {
  const match = /^([a-z-]+)\/(\d{4}-\d{2}-\d{2})\/[^/]+$/.exec(key);
  if (!match) return { error: `object key "${key}" is not <source>/<YYYY-MM-DD>/<file>` };
  const [, prefix, snapshotOn] = match as unknown as [string, string, string];
  if (prefix !== PLACEMENTS_PREFIX && !(prefix in SIGNAL_SOURCES)) {
    return { error: `unknown source "${prefix}"; known: ${[...Object.keys(SIGNAL_SOURCES), PLACEMENTS_PREFIX].join(', ')}` };
  }
  if (Number.isNaN(Date.parse(`${snapshotOn}T00:00:00Z`))) return { error: `"${snapshotOn}" in "${key}" is not a date` };
  return { prefix, snapshotOn };
}
