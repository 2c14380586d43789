// Companies House's own API resources for each provider company, as a monthly poll saves them: the company
// profile (`<number>.json`) and, once there is a case, the insolvency resource (`<number>-insolvency.json`),
// pretty-printed as in data/examples/companies-house/. Filings follow a company's calendar: accounts are due
// nine months after each period end and confirmation statements a year and 14 days after the last one, so
// whether they are overdue depends on the day of the poll. Practitioners' names are personal data: markers.
import { addDays, addMonths } from '../../shared/domain/dates.js';
import type { IsoDate, Provider } from '../../shared/domain/model.js';
import { Dice } from '../sample/dice.js';
import { administrationOn, dayBefore, deliveryAt, isCompaniesHouseNumber, personName, roleOf, STORY, type Story } from './story.js';

/** Assumptions: most companies file weeks before their deadline; a few file a set of accounts a little late. */
const FILING = { earlyDays: { min: 10, max: 80 }, lateChance: 0.06, lateDays: { min: 5, max: 45 }, chargesChance: 0.4 };

/** The companies polled: each Companies House number of the chosen providers once, with the first provider on it. */
export function companies(story: Story): (Provider & { companyNumber: string })[] {
  const seen = new Set<string>();
  return story.providers.flatMap((provider) => {
    const number = provider.companyNumber;
    if (!isCompaniesHouseNumber(number) || seen.has(number)) return [];
    seen.add(number);
    return [{ ...provider, companyNumber: number }];
  });
}

const lastDayOfMonth = (date: IsoDate): IsoDate => addDays(addMonths(`${date.slice(0, 7)}-01`, 1), -1);

/**
 * A yearly obligation as of a day: the last period met, its successor and whether that is overdue. `anchor` is a
 * period; from `missedFrom` on none is met; `metOn` says when a period was met.
 */
function yearly(anchor: IsoDate, day: IsoDate, dueAfter: (period: IsoDate) => IsoDate, metOn: (period: IsoDate, year: number) => IsoDate, missedFrom?: IsoDate) {
  const periods = Array.from({ length: 9 }, (_, j) => ({ year: j - 6, period: addMonths(anchor, 12 * (j - 6)) }));
  const met = periods.filter(({ period, year }) => (missedFrom === undefined || period < missedFrom) && metOn(period, year) <= day).at(-1)!;
  const next = addMonths(met.period, 12);
  return { last: met.period, next, due: dueAfter(next), overdue: day > dueAfter(next) };
}

function filings(story: Story, company: Provider & { companyNumber: string }, day: IsoDate) {
  const dice = (purpose: string) => Dice.forKey(story.seed, `${purpose}:${company.companyNumber}`);
  const role = roleOf(story, company.providerId);
  const first = story.deliveries[0]!;
  const accountsDueFraction = role === 'national' || role === 'filings' || role === 'administration' ? STORY[role].accountsDue : undefined;
  // A company that stops filing: its deadline falls in the month before a delivery of the story.
  const missedDue = accountsDueFraction === undefined ? undefined : dayBefore(story, deliveryAt(story, accountsDueFraction), dice('missed-accounts'));
  const periodEnd = missedDue === undefined ? lastDayOfMonth(addMonths(first, -dice('year-end').int(1, 12))) : addMonths(missedDue, -9);
  const dueAfterPeriod = (period: IsoDate) => addMonths(period, 9);
  const accounts = yearly(
    periodEnd,
    day,
    dueAfterPeriod,
    (period, year) => {
      const filing = Dice.forKey(story.seed, `accounts:${company.companyNumber}:${year}`);
      const late = filing.chance(FILING.lateChance);
      return addDays(dueAfterPeriod(period), late ? filing.int(FILING.lateDays.min, FILING.lateDays.max) : -filing.int(FILING.earlyDays.min, FILING.earlyDays.max));
    },
    missedDue === undefined ? undefined : periodEnd,
  );
  const missedStatement = role === 'filings' ? addDays(dayBefore(story, deliveryAt(story, STORY.filings.confirmationDue), dice('missed-statement')), -14) : undefined;
  const review = missedStatement ?? dice('review').date(addMonths(first, -12), addDays(first, -1));
  const dueAfterReview = (period: IsoDate) => addDays(period, 14);
  const statement = yearly(review, day, dueAfterReview, (period) => addDays(period, Dice.forKey(story.seed, `statement:${company.companyNumber}:${period}`).int(0, 13)), missedStatement);
  return { accounts, statement, periodEnd };
}

/** The profile resource as Companies House answers on a delivery's day. */
export function companyProfile(story: Story, company: Provider & { companyNumber: string }, index: number): Record<string, unknown> {
  const day = story.deliveries[index]!;
  const dice = Dice.forKey(story.seed, `company:${company.companyNumber}`);
  const { accounts, statement, periodEnd } = filings(story, company, day);
  const administration = administrationOn(story, company.providerId);
  const insolvent = administration !== undefined && administration <= day;
  const number = company.companyNumber;
  const links = { self: `/company/${number}`, ...(insolvent ? { insolvency: `/company/${number}/insolvency` } : {}), filing_history: `/company/${number}/filing-history` };
  return {
    company_number: number,
    company_name: company.name.toUpperCase(),
    company_status: insolvent ? 'administration' : 'active',
    type: number.startsWith('OC') ? 'llp' : 'ltd',
    date_of_creation: dice.date('1992-01-01', addMonths(periodEnd, -36)),
    jurisdiction: number.startsWith('SC') ? 'scotland' : number.startsWith('NI') ? 'northern-ireland' : 'england-wales',
    has_insolvency_history: insolvent,
    has_charges: roleOf(story, company.providerId) !== undefined || dice.chance(FILING.chargesChance),
    has_been_liquidated: false,
    registered_office_address: { address_line_1: `${dice.int(1, 200)} High Street`, locality: dice.pick(['Leeds', 'Bristol', 'Manchester', 'Birmingham', 'London']), postal_code: 'AB1 2CD' },
    accounts: {
      overdue: accounts.overdue,
      next_due: accounts.due,
      next_made_up_to: accounts.next,
      next_accounts: { period_start_on: addDays(accounts.last, 1), period_end_on: accounts.next, due_on: accounts.due, overdue: accounts.overdue },
      last_accounts: { made_up_to: accounts.last, period_end_on: accounts.last, type: dice.pick(['full', 'small', 'total-exemption-full', 'micro-entity']) },
      accounting_reference_date: { day: periodEnd.slice(8), month: periodEnd.slice(5, 7) },
    },
    confirmation_statement: { overdue: statement.overdue, next_due: statement.due, next_made_up_to: statement.next, last_made_up_to: statement.last },
    links,
    etag: `${number}${day.replace(/-/g, '')}`.padEnd(40, '0'),
  };
}

/** The insolvency resource once the company is in administration. */
export function insolvencyResource(story: Story, company: Provider & { companyNumber: string }, index: number): Record<string, unknown> | undefined {
  const administration = administrationOn(story, company.providerId);
  if (administration === undefined || administration > story.deliveries[index]!) return undefined;
  const dice = Dice.forKey(story.seed, `practitioners:${company.companyNumber}`);
  return {
    etag: `${company.companyNumber}insolvency`.padEnd(40, '0'),
    cases: [
      {
        type: 'in-administration',
        number: '1',
        dates: [{ type: 'administration-started-on', date: administration }],
        practitioners: [1, 2].map(() => ({ name: personName(dice), appointed_on: administration, role: 'practitioner', address: { locality: 'Manchester' } })),
        links: { charge: `/company/${company.companyNumber}/charges/1` },
      },
    ],
    status: ['in-administration'],
  };
}
