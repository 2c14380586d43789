// Companies House snapshots: one JSON line per provider company, as the fetcher writes them (the company
// profile, its insolvency and charges resources or null where Companies House holds none, and a credit score).
// Insolvency practitioners' names are personal data: the schema leaves them out, so they are never kept.
import * as z from 'zod/mini';
import { addMonths, daysBetween } from '../domain/dates.js';
import { COMPANY_STATUSES, CqcId, IsoDate, type QuarantineRecord, type Signal } from '../domain/model.js';
import { emptyBatch, type ParseContext, type SourceParser } from './batch.js';
import { issueDetail, quarantineRecord, RecordChecks } from './csv-rows.js';

const SOURCE = 'companies-house';

// Companies House leaves out what a company does not have (a new company has no last accounts), so most of
// the profile is optional; the three keys the fetcher adds are always written, null when there is nothing.
const CompanyLine = z.object({
  providerId: CqcId,
  profile: z.object({
    company_number: z.string().check(z.regex(/^[A-Z0-9]{8}$/, 'a company number of 8 letters or digits')),
    company_name: z.string(),
    company_status: z.enum(COMPANY_STATUSES),
    company_status_detail: z.optional(z.string()),
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
  }),
  insolvency: z.nullable(
    z.object({
      cases: z.array(z.object({ type: z.string(), dates: z.array(z.object({ type: z.string(), date: IsoDate })) })),
    }),
  ),
  charges: z.nullable(z.object({ items: z.array(z.object({ created_on: IsoDate, status: z.string() })) })),
  creditScore: z.nullable(z.number().check(z.gte(0), z.lte(100))),
});
type CompanyLine = z.infer<typeof CompanyLine>;

const valueAt = (root: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (node, key) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined),
    root,
  );

function identify(json: unknown): string | null {
  const id = valueAt(json, ['profile', 'company_number']) ?? valueAt(json, ['providerId']);
  return typeof id === 'string' && id ? id : null;
}

function toSignal(line: CompanyLine, checks: RecordChecks, context: ParseContext): Signal {
  const { profile, insolvency, charges } = line;
  const accounts = profile.accounts;
  // Dates of past events cannot be later than the file; due dates are in the future by nature.
  const madeUpTo = accounts?.last_accounts?.made_up_to;
  if (madeUpTo !== undefined) checks.pastDate('profile.accounts.last_accounts.made_up_to', madeUpTo);
  insolvency?.cases.forEach((insolvencyCase, c) =>
    insolvencyCase.dates.forEach((date, d) => checks.pastDate(`insolvency.cases.${c}.dates.${d}.date`, date.date)),
  );
  charges?.items.forEach((charge, i) => checks.pastDate(`charges.items.${i}.created_on`, charge.created_on));

  const overdue = accounts?.overdue === true || accounts?.next_accounts?.overdue === true;
  const dueOn = accounts?.next_accounts?.due_on ?? accounts?.next_due;
  if (overdue && dueOn === undefined) checks.add('profile.accounts.next_accounts.due_on', 'missing while the accounts are overdue');
  const yearBefore = addMonths(context.snapshotOn, -12);
  return {
    source: SOURCE,
    naturalId: `${profile.company_number}#${context.snapshotOn}`,
    subject: { type: 'provider', id: line.providerId },
    describedOn: context.snapshotOn,
    receivedOn: context.receivedOn,
    facts: {
      kind: 'financial-indicator',
      companyNumber: profile.company_number,
      companyStatus: profile.company_status,
      accountsOverdueDays: overdue && dueOn !== undefined ? Math.max(0, daysBetween(dueOn, context.snapshotOn)) : 0,
      confirmationStatementOverdue: profile.confirmation_statement?.overdue ?? false,
      insolvencyCases: insolvency?.cases.length ?? 0,
      newChargeWithin12Months: (charges?.items ?? []).some((c) => c.created_on > yearBefore && c.created_on <= context.snapshotOn),
      creditScore: line.creditScore,
    },
  };
}

export const parseCompaniesHouse: SourceParser = (text, context) => {
  const signals: Signal[] = [];
  const quarantine: QuarantineRecord[] = [];
  const firstLines = new Map<string, number>();
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (!line.trim()) return;
      const row = index + 1;
      const checks = new RecordChecks(context.receivedOn);
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        // Not the parser's message: it quotes the line, which may hold a practitioner's name.
        quarantine.push(quarantineRecord(SOURCE, context, row, null, [{ field: null, detail: 'the line is not valid JSON' }]));
        return;
      }
      const recordId = identify(json);
      const parsed = CompanyLine.safeParse(json);
      if (parsed.success) {
        checks.unique('profile.company_number', parsed.data.profile.company_number, firstLines, row);
        const signal = toSignal(parsed.data, checks, context);
        if (checks.problems.length === 0) signals.push(signal);
      } else {
        for (const issue of parsed.error.issues) {
          checks.add(issue.path.map(String).join('.') || null, issueDetail(issue, valueAt(json, issue.path)));
        }
      }
      if (checks.problems.length > 0) quarantine.push(quarantineRecord(SOURCE, context, row, recordId, checks.problems));
    });
  return { ...emptyBatch(), signals, quarantine };
};
