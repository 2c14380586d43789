// Companies House snapshots: one JSON document per provider company (a line each), as the fetcher writes them (the company
// profile, its insolvency and charges resources or null where Companies House holds none, and a credit score).
// Insolvency practitioners' names are personal data: the schema leaves them out, so they are never kept.
// The profile's schema and what it says about filings are shared with the reader of the API's own files.
import * as z from 'zod/mini';
import { addMonths, daysBetween } from '../domain/dates.js';
import { COMPANY_STATUSES, CqcId, IsoDate, type Signal } from '../domain/model.js';
import { emptyBatch, type ParseContext, type SourceParser } from './batch.js';
import type { RecordChecks } from './csv-rows.js';
import { parseJsonRecords, readDocument, stringAt } from './json-records.js';

const SOURCE = 'companies-house';

/** Trimmed, upper-case, and zero-padded to 8 when all digits: spreadsheets drop the leading zeros of numbers. */
export function normaliseCompanyNumber(text: string): string {
  const upper = text.trim().toUpperCase();
  return /^\d{1,7}$/.test(upper) ? upper.padStart(8, '0') : upper;
}

/** A company number given as a string (a JSON number is a wrong type, never padded), normalised, then checked. */
const CompanyNumber = z.pipe(
  z.pipe(z.string(), z.transform(normaliseCompanyNumber)),
  z.string().check(z.regex(/^[A-Z0-9]{8}$/, 'a company number of 8 letters or digits')),
);

// Companies House leaves out what a company does not have (a new company has no last accounts), so most of
// the profile is optional.
export const CompanyProfile = z.object({
  company_number: CompanyNumber,
  company_status: z.enum(COMPANY_STATUSES),
  has_insolvency_history: z.optional(z.boolean()),
  has_charges: z.optional(z.boolean()),
  accounts: z.optional(
    z.object({
      overdue: z.optional(z.boolean()),
      next_due: z.optional(IsoDate),
      next_accounts: z.optional(z.object({ due_on: z.optional(IsoDate), overdue: z.optional(z.boolean()) })),
      last_accounts: z.optional(z.object({ made_up_to: z.optional(IsoDate), type: z.optional(z.string()) })),
    }),
  ),
  confirmation_statement: z.optional(z.object({ overdue: z.boolean(), next_due: z.optional(IsoDate) })),
});
type CompanyProfile = z.infer<typeof CompanyProfile>;

// The three keys the fetcher adds are always written, null when there is nothing.
const CompanyLine = z.object({
  providerId: CqcId,
  profile: CompanyProfile,
  insolvency: z.nullable(
    z.object({
      cases: z.array(z.object({ type: z.string(), dates: z.array(z.object({ type: z.string(), date: IsoDate })) })),
    }),
  ),
  charges: z.nullable(z.object({ items: z.array(z.object({ created_on: IsoDate, status: z.string() })) })),
  creditScore: z.nullable(z.number().check(z.gte(0), z.lte(100))),
});
type CompanyLine = z.infer<typeof CompanyLine>;

/** What a profile says about filings on the snapshot's day; dates of past events cannot be later than the file. */
export function filingFacts(profile: CompanyProfile, checks: RecordChecks, snapshotOn: IsoDate, path: string) {
  const accounts = profile.accounts;
  const madeUpTo = accounts?.last_accounts?.made_up_to;
  if (madeUpTo !== undefined) checks.pastDate(`${path}accounts.last_accounts.made_up_to`, madeUpTo);
  // Due dates are in the future by nature; an overdue filing is late since its due date.
  const overdue = accounts?.overdue === true || accounts?.next_accounts?.overdue === true;
  const dueOn = accounts?.next_accounts?.due_on ?? accounts?.next_due;
  if (overdue && dueOn === undefined) checks.add(`${path}accounts.next_accounts.due_on`, 'missing while the accounts are overdue');
  return {
    companyNumber: profile.company_number,
    companyStatus: profile.company_status,
    accountsOverdueDays: overdue && dueOn !== undefined ? Math.max(0, daysBetween(dueOn, snapshotOn)) : 0,
    confirmationStatementOverdue: profile.confirmation_statement?.overdue ?? false,
  };
}

function toSignal(line: CompanyLine, checks: RecordChecks, context: ParseContext): Signal {
  const { profile, insolvency, charges } = line;
  insolvency?.cases.forEach((insolvencyCase, c) =>
    insolvencyCase.dates.forEach((date, d) => checks.pastDate(`insolvency.cases.${c}.dates.${d}.date`, date.date)),
  );
  charges?.items.forEach((charge, i) => checks.pastDate(`charges.items.${i}.created_on`, charge.created_on));
  const yearBefore = addMonths(context.snapshotOn, -12);
  return {
    source: SOURCE,
    naturalId: `${profile.company_number}#${context.snapshotOn}`,
    subject: { type: 'provider', id: line.providerId },
    describedOn: context.snapshotOn,
    receivedOn: context.receivedOn,
    facts: {
      kind: 'financial-indicator',
      ...filingFacts(profile, checks, context.snapshotOn, 'profile.'),
      insolvencyCases: insolvency?.cases.length ?? 0,
      newChargeWithin12Months: (charges?.items ?? []).some((c) => c.created_on > yearBefore && c.created_on <= context.snapshotOn),
      creditScore: line.creditScore,
    },
  };
}

export const parseCompaniesHouse: SourceParser = (text, context) => {
  const firstRows = new Map<string, number>();
  const { records, quarantine } = parseJsonRecords<Signal>(text, context, {
    source: SOURCE,
    recordId: (json) => stringAt(json, ['profile', 'company_number']) ?? stringAt(json, ['providerId']),
    read: (json, row, checks) => {
      const line = readDocument(CompanyLine, json, checks);
      if (line === undefined) return undefined;
      checks.unique('profile.company_number', line.profile.company_number, firstRows, row);
      return [toSignal(line, checks, context)];
    },
  });
  return { ...emptyBatch(), signals: records, quarantine };
};
