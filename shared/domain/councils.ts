// The 153 English councils with adult social services responsibility and their ADASS regions.
// Data: shared/reference/councils.json, converted from data/reference/local-authorities.csv
// (contains CQC data (c) Care Quality Commission and ONS codes, Open Government Licence v3.0).
import councilRows from '../reference/councils.json' with { type: 'json' };
import * as z from 'zod/mini';
import { type AdassRegion, Council } from './model.js';

export const COUNCILS: readonly Council[] = z.array(Council).parse(councilRows);

const byGss = new Map(COUNCILS.map((council) => [council.gss, council]));

/** CQC and ONS spell some councils differently ("Bristol" and "Bristol, City of"): match either, any case. */
const byName = new Map<string, Council>();
for (const council of COUNCILS) {
  byName.set(normaliseCouncilName(council.cqcName), council);
  byName.set(normaliseCouncilName(council.name), council);
}

function normaliseCouncilName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function councilByGss(gss: string): Council | undefined {
  return byGss.get(gss);
}

export function councilByName(name: string): Council | undefined {
  return byName.get(normaliseCouncilName(name));
}

export function councilsInRegion(region: AdassRegion): Council[] {
  return COUNCILS.filter((council) => council.region === region);
}
