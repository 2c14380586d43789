// Fetch-sources use case: the locations CQC lists as changed in a window, and the given companies from Companies
// House, landed as a dated delivery (`<YYYY-MM-DD>/cqc-api/locations/<id>.json`, `<YYYY-MM-DD>/companies-house/
// <number>.json` and `<number>-insolvency.json`). Each body lands exactly as published, the same files a
// delivery holds, so ingest has one path and its parsers drop `contacts` and practitioners' names at the edge.
import pMap from 'p-map';
import { toEpochDay } from '../../shared/domain/dates.js';
import type { IsoDate } from '../../shared/domain/model.js';
import type { ObjectSink } from '../../shared/ports/objects.js';
import type { CompaniesHouseSource, CqcChangesSource, TimeWindow } from '../../shared/ports/source-fetchers.js';
import { normaliseCompanyNumber } from '../../shared/sources/companies-house.js';

const DEFAULT_CONCURRENCY = 8;
/** Companies House allows 2 requests a second and a company takes two: 400 fit in a 15-minute Lambda run. */
const COMPANIES_PER_RUN = 400;
const COMPANY_NUMBER = /^[A-Z0-9]{8}$/;

export interface FetchPorts {
  cqc: CqcChangesSource;
  companiesHouse: CompaniesHouseSource;
  landing: ObjectSink;
}

export interface FetchRequest {
  window: TimeWindow;
  /** The delivery's date folder, which ingest takes as the day the files were received. */
  deliveredOn: IsoDate;
  companyNumbers: readonly string[];
  concurrency?: number;
}

export interface FetchReport {
  deliveredOn: IsoDate;
  locationsLanded: number;
  /** Listed as changed but answering 404 (CQC lists some such ids): skipped. */
  locationsNotFound: string[];
  companiesLanded: number;
  companiesNotFound: string[];
  /** Companies with an insolvency resource; the rest answer 404, and nothing is landed for them. */
  insolvenciesLanded: number;
  /** Not 8 letters or digits once normalised: never sent. */
  invalidCompanyNumbers: string[];
}

export async function fetchSources(ports: FetchPorts, bucket: string, request: FetchRequest): Promise<FetchReport> {
  const options = { concurrency: request.concurrency ?? DEFAULT_CONCURRENCY };
  const land = async (key: string, body: string | undefined): Promise<boolean> => {
    if (body === undefined) return false;
    await ports.landing.putText(bucket, `${request.deliveredOn}/${key}`, body, 'application/json');
    return true;
  };

  const locationIds = await ports.cqc.changedLocationIds(request.window);
  const locationLanded = await pMap(locationIds, async (id) => land(`cqc-api/locations/${id}.json`, await ports.cqc.locationBody(id)), options);

  const { valid, invalid } = checkedCompanyNumbers(request.companyNumbers);
  const companies = await pMap(
    valid,
    async (number) => {
      const profile = await land(`companies-house/${number}.json`, await ports.companiesHouse.profileBody(number));
      // A company Companies House does not know has no insolvency resource either: one call saved.
      const insolvency = profile && (await land(`companies-house/${number}-insolvency.json`, await ports.companiesHouse.insolvencyBody(number)));
      return { profile, insolvency };
    },
    options,
  );

  return {
    deliveredOn: request.deliveredOn,
    locationsLanded: locationLanded.filter(Boolean).length,
    locationsNotFound: locationIds.filter((_, index) => !locationLanded[index]),
    companiesLanded: companies.filter((company) => company.profile).length,
    companiesNotFound: valid.filter((_, index) => !companies[index]?.profile),
    insolvenciesLanded: companies.filter((company) => company.insolvency).length,
    invalidCompanyNumbers: invalid,
  };
}

/** Normalised (trim, upper case, string digits zero-padded to 8), once each; anything else never reaches a URL. */
function checkedCompanyNumbers(given: readonly string[]): { valid: string[]; invalid: string[] } {
  const valid = new Set<string>();
  const invalid: string[] = [];
  for (const text of given) {
    const number = normaliseCompanyNumber(text);
    if (COMPANY_NUMBER.test(number)) valid.add(number);
    else invalid.push(text);
  }
  return { valid: [...valid], invalid };
}

/**
 * The day's turn of the register's company numbers: the sorted numbers cut into runs of `perRun`, one run a day
 * in rotation, so every company is refreshed every ceil(n / perRun) days. New providers shift the cut, which
 * only moves a company's turn by a day or so.
 */
export function companiesForDay(numbers: readonly string[], day: IsoDate, perRun = COMPANIES_PER_RUN): string[] {
  const sorted = [...new Set(numbers)].sort();
  const turn = toEpochDay(day) % Math.max(1, Math.ceil(sorted.length / perRun));
  return sorted.slice(turn * perRun, (turn + 1) * perRun);
}
