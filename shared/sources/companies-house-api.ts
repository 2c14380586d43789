// Companies House API resources as published: the company profile (`GET /company/{number}`, saved as
// `<number>.json`) and its insolvency resource (`GET /company/{number}/insolvency`, `<number>-insolvency.json`),
// pretty-printed or one document a line. Neither names a CQC provider: each is matched to the providers the
// register gives that company number. The insolvency resource does not carry the number, so its file name
// does. Practitioners' names are not in the schema, so zod drops them before any code sees the document.
import * as z from 'zod/mini';
import { IsoDate, type Signal } from '../domain/model.js';
import { emptyBatch, type ParseContext, type SourceParser } from './batch.js';
import { CompanyProfile, filingFacts, normaliseCompanyNumber } from './companies-house.js';
import { type RecordChecks, shown } from './csv-rows.js';
import { parseJsonRecords, readDocument, stringAt } from './json-records.js';

const SOURCE = 'companies-house';

const InsolvencyResource = z.object({
  cases: z.array(z.object({ type: z.string(), dates: z.optional(z.array(z.object({ type: z.string(), date: IsoDate }))) })),
});

const INSOLVENCY_FILE = /(?:^|\/)([^/]+)-insolvency\.json$/i;

/** The facts of one document and the company they are about. */
interface Reading {
  companyNumber: string;
  naturalId: string;
  facts: Signal['facts'];
}

function readProfile(json: unknown, checks: RecordChecks, context: ParseContext): Reading | undefined {
  const profile = readDocument(CompanyProfile, json, checks);
  if (profile === undefined) return undefined;
  return {
    companyNumber: profile.company_number,
    naturalId: `${profile.company_number}#${context.snapshotOn}`,
    facts: {
      kind: 'financial-indicator',
      ...filingFacts(profile, checks, context.snapshotOn, ''),
      // The profile says only whether there has been a case: at least one. The insolvency resource counts them.
      insolvencyCases: profile.has_insolvency_history === true ? 1 : 0,
      // A new charge needs the charges resource's dates; the profile tells only that charges exist.
      newChargeWithin12Months: false,
      creditScore: null,
      hasCharges: profile.has_charges,
    },
  };
}

/** The company an insolvency resource is about, from its file name: the resource itself does not say. */
const insolvencyFileNumber = (origin: string): string | null => {
  const named = INSOLVENCY_FILE.exec(origin)?.[1];
  return named === undefined ? null : normaliseCompanyNumber(named);
};

function readInsolvency(json: unknown, checks: RecordChecks, context: ParseContext): Reading | undefined {
  const resource = readDocument(InsolvencyResource, json, checks);
  const named = insolvencyFileNumber(context.origin);
  const companyNumber =
    named === null
      ? checks.add(null, 'an insolvency resource names no company: its file must be named <number>-insolvency.json')
      : checks.valid('file name', named, CompanyProfile.shape.company_number);
  if (resource === undefined || companyNumber === undefined) return undefined;
  const dates = resource.cases.flatMap((insolvencyCase, c) =>
    (insolvencyCase.dates ?? []).flatMap((date, d) => checks.pastDate(`cases.${c}.dates.${d}.date`, date.date) ?? []),
  );
  return {
    companyNumber,
    naturalId: `${companyNumber}#insolvency#${context.snapshotOn}`,
    facts: {
      kind: 'insolvency-cases',
      companyNumber,
      caseTypes: resource.cases.map((insolvencyCase) => insolvencyCase.type),
      latestDateOn: dates.toSorted().at(-1) ?? null,
    },
  };
}

/** A document with `cases` and no `company_number` is an insolvency resource; anything else is read as a profile. */
const isInsolvency = (json: unknown): boolean =>
  json !== null && typeof json === 'object' && 'cases' in json && !('company_number' in json);

export const parseCompaniesHouseApi: SourceParser = (text, context) => {
  const firstRows = new Map<string, number>();
  const { records, quarantine } = parseJsonRecords<Signal>(text, context, {
    source: SOURCE,
    recordId: (json) => (isInsolvency(json) ? insolvencyFileNumber(context.origin) : stringAt(json, ['company_number'])),
    read: (json, row, checks) => {
      const reading = (isInsolvency(json) ? readInsolvency : readProfile)(json, checks, context);
      if (reading === undefined) return undefined;
      const { companyNumber, naturalId, facts } = reading;
      checks.unique('company_number', naturalId, firstRows, row);
      const providers = context.providersByCompanyNumber?.get(companyNumber) ?? [];
      if (providers.length === 0) checks.add('company_number', `${shown(companyNumber)} is the company of no provider in the register`);
      const describe = { source: SOURCE, naturalId, describedOn: context.snapshotOn, receivedOn: context.receivedOn, facts } as const;
      return providers.map((providerId): Signal => ({ ...describe, subject: { type: 'provider', id: providerId } }));
    },
  });
  return { ...emptyBatch(), signals: records, quarantine };
};
