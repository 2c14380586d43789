// Deterministic sample files for the sources that publish no location-level data: NHS Capacity Tracker
// returns, council safeguarding concerns, Companies House snapshots, commissioner actions and placements.
// They are built around the real CQC register rows passed in, so every signal points at a real service.
// The same seed and inputs give byte-identical files. This module must not know how risk is scored: the
// story in the data (which providers are in trouble) comes only from the parameters below.
import { Dice } from './dice.js';
import { councilByGss, councilsInRegion } from '../../shared/domain/councils.js';
import { groupBy } from '../../shared/domain/collections.js';
import { isCareHome } from '../../shared/domain/model.js';
import { addDays, addMonths, monthOf } from '../../shared/domain/dates.js';
import type { ABUSE_TYPES, CommissionerActionType, IsoDate, Location, Provider } from '../../shared/domain/model.js';

/** Every personal-data value in the files carries this, so a test can prove none reaches a signal or a log. */
export const PERSONAL_DATA_MARKER = 'PII-MARKER';

export interface SampleOptions {
  seed: number;
  asOf: IsoDate;
  locations: Location[];
  providers: Provider[];
}

export interface CapacityReturnFile {
  /** The month of the return window, such as 2025-09. */
  period: string;
  /** The window's last day (the 14th): parse the file with this as its snapshot date. */
  snapshotOn: IsoDate;
  csv: string;
}

/** The Companies House file describes asOf: parse it with snapshotOn = asOf. */
export interface SampleFiles {
  capacityReturns: CapacityReturnFile[];
  safeguardingCsv: string;
  companiesHouseJsonl: string;
  commissionerActionsCsv: string;
  placementsCsv: string;
}

/** The generator's parameters, each with its published source or marked as an assumption. */
export const SAMPLE_PARAMETERS = {
  /**
   * Share of providers in trouble. An assumption, sized so a region's heat map shows a few hot spots.
   * Home-care agencies weigh 1.4 times as much in the draw: about one in seven (14%) close within a year
   * (Allan, "Drivers of home care agency closure: evidence from England", NIHR ASCRU, CQC data 2015-17).
   */
  stressedShare: 0.1,
  homeCareStressWeight: 1.4,
  /** Providers in administration or liquidation, with an insolvency case: "a few", 1-2%. An assumption. */
  insolventShare: 0.015,
  /**
   * Care home occupancy (used beds over beds). LaingBuisson (Care Homes for Older People, 29th edition) puts
   * it at about 85% of registered beds; Knight Frank's Care Homes Trading Performance Reviews at 84-88% outside
   * the pandemic years. With the stressed homes, the sector average here comes out at about 86%.
   */
  healthyOccupancy: { mean: 0.875, sd: 0.045, min: 0.72, max: 0.98 },
  /**
   * Stressed homes slide from about 85% to 64-76% over the twelve months: Alvarez & Marsal observe that a care
   * home below about 80% occupancy often becomes loss-making.
   */
  stressedOccupancy: { startMean: 0.85, startSd: 0.03, endMin: 0.64, endMax: 0.76 },
  /** One healthy home in ten has a passing dip of 6-12 points for 2-3 months. An assumption. */
  passingDip: { chance: 0.1, depthMin: 0.06, depthMax: 0.12 },
  /** Month-to-month wobble in occupancy (standard deviation). An assumption. */
  occupancyNoiseSd: 0.012,
  /**
   * Declared vacancies as a share of beds: 6-7% in a normal home and 15-20% in a stressed one; the rest of the
   * empty beds are out of use. Figures from the project brief, not from a published series; Capacity Tracker
   * records both kinds of empty bed.
   */
  healthyVacancyRate: { min: 0.05, max: 0.08 },
  stressedVacancyRate: { start: 0.1, endMin: 0.15, endMax: 0.2 },
  /**
   * The mandate (DHSC, "Formal notice of a mandate for all adult social care providers", s277A Health and
   * Social Care Act 2012) requires an update in a window from the 8th to the 14th of each month; penalties
   * follow three consecutive missed months. Twelve monthly files; about 3% of homes have missed the latest
   * returns, a third of those for 3 months or more.
   */
  capacityMonths: 12,
  staleShare: 0.03,
  longStaleShareOfStale: 1 / 3,
  /** Staffing shares in a return. Assumptions of plausible size, higher where a home is in trouble. */
  staffAbsencePct: { healthyMean: 4.5, stressedMean: 7.5, sd: 1.8 },
  agencyHoursPct: { healthyMin: 1, healthyMax: 9, stressedMin: 10, stressedMax: 25 },
  blankPercentageChance: 0.04,
  /**
   * Safeguarding concerns a year per service, by kind, over 24 months. Assumptions; the mix of types follows
   * the shape of NHS England's Safeguarding Adults Collection, where neglect and acts of omission is the
   * most common type. A stressed provider's service often has a cluster of neglect and organisational concerns
   * in the last six months, more of which lead to a section 42 enquiry.
   */
  concernsPerYear: { 'nursing-home': 0.5, 'residential-home': 0.4, 'home-care': 0.3, 'community-other': 0.15 },
  concernMonths: 24,
  section42Chance: { healthy: 0.3, cluster: 0.6 },
  cluster: { chance: 0.7, min: 2, max: 5, withinDays: 180 },
  /** The host council raises most concerns; a placing council the rest. An assumption. */
  hostReportsChance: 0.85,
  /**
   * Council-funded share of a home's residents, 35-65%: an assumption for a market the CMA (Care homes market
   * study, 2017) describes as split between self-funders and council-funded residents. The host council places
   * most of them; in some homes one or two other councils of the region place a few.
   */
  councilFundedShare: { min: 0.35, max: 0.65 },
  neighbourPlacers: { oneChance: 0.3, twoChance: 0.1 },
  /**
   * Companies House: private companies file accounts within 9 months of the year end (Companies Act 2006
   * s442). Credit scores are on Company Watch's H-Score scale, 0-100, where 25 and below is the warning area.
   */
  accountsOverdue: { stressedChance: 0.6, stressedMinDays: 20, stressedMaxDays: 240, healthyChance: 0.02, healthyMaxDays: 25 },
  confirmationOverdueChance: { stressed: 0.3, healthy: 0.01 },
  newChargeChance: { stressed: 0.55, healthy: 0.06 },
  creditScore: { healthyMean: 62, healthySd: 16, stressedMin: 5, stressedMax: 25, insolventMax: 8, noneHeldChance: 0.06 },
  /** Commissioner actions against a stressed provider's services, and rare lifted ones elsewhere. Assumptions. */
  stressedActions: { embargoChance: 0.35, suspensionChance: 0.15, enforcementChance: 0.1, withinDays: 120 },
  healthyActions: { embargoChance: 0.02, suspensionChance: 0.01 },
  /** The CQC informs councils under Care Act 2014 s56 when a provider is likely to fail: one or two notices. */
  s56Notices: 2,
} as const;

const P = SAMPLE_PARAMETERS;

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Picks `count` of the ids, each drawn with a seeded clock that runs faster for a heavier weight
 * (approximately weighted sampling without replacement), in the order drawn.
 */
function drawIds(
  ids: readonly string[],
  count: number,
  seed: number,
  purpose: string,
  weightOf: (id: string) => number = () => 1,
): string[] {
  return ids
    .map((id) => ({ id, clock: (1 - Dice.forKey(seed, `${purpose}:${id}`).float()) / weightOf(id) }))
    .sort((a, b) => a.clock - b.clock || byText(a.id, b.id))
    .slice(0, count)
    .map(({ id }) => id);
}

/** Homes that make Capacity Tracker returns: care homes with beds. */
const returnsCapacity = (location: Location): boolean => isCareHome(location) && location.beds > 0;

function locationsByProvider(locations: readonly Location[]): Map<string, Location[]> {
  return groupBy([...locations].sort((a, b) => byText(a.locationId, b.locationId)), (l) => l.providerId);
}

/**
 * The providers the sample puts in trouble, so a test or an evaluation can compare what the pipeline finds
 * with what the data was made to say.
 */
export function stressedProviderIds(options: Pick<SampleOptions, 'seed' | 'locations'>): string[] {
  const byProvider = locationsByProvider(options.locations);
  const ids = [...byProvider.keys()].sort(byText);
  const homeCareOnly = (id: string) => byProvider.get(id)!.every((location) => location.serviceKind === 'home-care');
  const count = ids.length === 0 ? 0 : Math.max(1, Math.round(ids.length * P.stressedShare));
  return drawIds(ids, count, options.seed, 'stressed', (id) => (homeCareOnly(id) ? P.homeCareStressWeight : 1)).sort(byText);
}

// ---------------------------------------------------------------------------------------------------------
// Writing files

const FIRST_NAMES = ['Jane', 'John', 'Mary', 'Peter', 'Susan', 'David', 'Margaret', 'Alan', 'Patricia', 'Brian', 'Joan', 'Keith'];
// Surnames nobody has, so a marker value can never be mistaken for a real person.
const SURNAMES = ['Example', 'Sample', 'Specimen', 'Fictional', 'Madeup', 'Placeholder'];
const personName = (dice: Dice): string => `${PERSONAL_DATA_MARKER} ${dice.pick(FIRST_NAMES)} ${dice.pick(SURNAMES)}`;

/** Free text as it arrives: commas, quotes and line breaks included, so the files exercise CSV quoting. */
const NOTES = [
  'Raised by daughter after a visit, "bruising on arm" noted',
  'Call from GP surgery; follow-up booked',
  'Medication missed on two rounds.\nManager informed',
  'Concern about call times, carers late, family worried',
  'Anonymous call',
];

type Cell = string | number;

function csvCell(value: Cell): string {
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

// ---------------------------------------------------------------------------------------------------------
// The story: which providers are stressed or insolvent, and each care home's twelve months

interface Story {
  seed: number;
  asOf: IsoDate;
  byProvider: Map<string, Location[]>;
  providerName: Map<string, string>;
  stressed: Set<string>;
  /** Insolvent providers and the day their administration or liquidation began. */
  insolventSince: Map<string, IsoDate>;
  homes: Location[];
  /** The snapshot dates of the twelve capacity returns, oldest first. */
  snapshots: IsoDate[];
  /** The care homes' months, oldest first, including months a stale home did not return. */
  months: Map<string, HomeMonth[]>;
  /** Months missed at the end of the year by stale homes. */
  missedMonths: Map<string, number>;
  /** Councils placing residents in each care home, host first. */
  placements: Map<string, { councilGss: string; residents: number }[]>;
}

interface HomeMonth {
  snapshotOn: IsoDate;
  usedBeds: number;
  declaredVacancies: number;
}

/** The 14th of each of the last twelve months whose window had closed by asOf. */
function capacitySnapshots(asOf: IsoDate): IsoDate[] {
  const lastClosed = Number(asOf.slice(8)) >= 14 ? asOf : addMonths(asOf, -1);
  const last = `${monthOf(lastClosed)}-14`;
  return Array.from({ length: P.capacityMonths }, (_, i) => addMonths(last, i - (P.capacityMonths - 1)));
}

function homeMonths(home: Location, stressed: boolean, snapshots: readonly IsoDate[], seed: number): HomeMonth[] {
  const dice = Dice.forKey(seed, `occupancy:${home.locationId}`);
  const last = snapshots.length - 1;
  let occupancyAt: (i: number) => number;
  let vacancyRateAt: (i: number) => number;
  if (stressed) {
    const { startMean, startSd, endMin, endMax } = P.stressedOccupancy;
    const start = clamp(dice.normal(startMean, startSd), 0.78, 0.92);
    const end = dice.between(endMin, endMax);
    const endVacancy = dice.between(P.stressedVacancyRate.endMin, P.stressedVacancyRate.endMax);
    occupancyAt = (i) => start + ((end - start) * i) / last;
    vacancyRateAt = (i) => P.stressedVacancyRate.start + ((endVacancy - P.stressedVacancyRate.start) * i) / last;
  } else {
    const { mean, sd, min, max } = P.healthyOccupancy;
    const base = clamp(dice.normal(mean, sd), min, max);
    // A dip that has passed: it ends before the last two months.
    const dip = dice.chance(P.passingDip.chance)
      ? {
          from: dice.int(0, Math.max(0, last - 4)),
          length: dice.int(2, 3),
          depth: dice.between(P.passingDip.depthMin, P.passingDip.depthMax),
        }
      : undefined;
    const vacancyRate = dice.between(P.healthyVacancyRate.min, P.healthyVacancyRate.max);
    occupancyAt = (i) => base - (dip && i >= dip.from && i < dip.from + dip.length ? dip.depth : 0);
    vacancyRateAt = () => vacancyRate;
  }
  return snapshots.map((snapshotOn, i) => {
    const usedBeds = Math.round(home.beds * clamp(occupancyAt(i) + dice.normal(0, P.occupancyNoiseSd), 0.3, 1));
    const declaredVacancies = Math.min(home.beds - usedBeds, Math.round(home.beds * vacancyRateAt(i)));
    return { snapshotOn, usedBeds, declaredVacancies };
  });
}

function placementsFor(home: Location, usedBeds: number, seed: number): { councilGss: string; residents: number }[] {
  const dice = Dice.forKey(seed, `placements:${home.locationId}`);
  const funded = Math.max(1, Math.round(usedBeds * dice.between(P.councilFundedShare.min, P.councilFundedShare.max)));
  const others = councilsInRegion(home.region)
    .map((council) => council.gss)
    .filter((gss) => gss !== home.councilGss);
  const roll = dice.float();
  const wanted = roll < P.neighbourPlacers.twoChance ? 2 : roll < P.neighbourPlacers.twoChance + P.neighbourPlacers.oneChance ? 1 : 0;
  const placing: { councilGss: string; residents: number }[] = [];
  let hostResidents = funded;
  for (let n = 0; n < wanted && others.length > 0 && hostResidents > 1; n++) {
    const councilGss = others.splice(dice.int(0, others.length - 1), 1)[0]!;
    const residents = Math.min(dice.int(1, 3), hostResidents - 1);
    placing.push({ councilGss, residents });
    hostResidents -= residents;
  }
  return [{ councilGss: home.councilGss, residents: hostResidents }, ...placing];
}

function tellStory({ seed, asOf, locations, providers }: SampleOptions): Story {
  const byProvider = locationsByProvider(locations);
  const stressed = new Set(stressedProviderIds({ seed, locations }));
  const withCompany = providers.filter((p) => p.companyNumber !== null && stressed.has(p.providerId)).map((p) => p.providerId);
  const insolventCount = Math.min(withCompany.length, Math.max(1, Math.round(byProvider.size * P.insolventShare)));
  const insolventSince = new Map(
    drawIds(withCompany.sort(byText), insolventCount, seed, 'insolvent').map((id) => {
      const since = Dice.forKey(seed, `insolvent:${id}`).date(addDays(asOf, -90), addDays(asOf, -14));
      return [id, since];
    }),
  );

  const homes = locations.filter(returnsCapacity).sort((a, b) => byText(a.locationId, b.locationId));
  const snapshots = capacitySnapshots(asOf);
  const months = new Map(homes.map((home) => [home.locationId, homeMonths(home, stressed.has(home.providerId), snapshots, seed)]));

  // Homes in trouble are likelier to stop returning: weight 3.
  const staleCount = homes.length === 0 ? 0 : Math.max(1, Math.round(homes.length * P.staleShare));
  const longStaleCount = staleCount === 0 ? 0 : Math.max(1, Math.round(staleCount * P.longStaleShareOfStale));
  const stressedHomes = new Set(homes.filter((home) => stressed.has(home.providerId)).map((home) => home.locationId));
  const staleIds = drawIds(homes.map((home) => home.locationId), staleCount, seed, 'stale', (id) => (stressedHomes.has(id) ? 3 : 1));
  const missedMonths = new Map(
    staleIds.map((id, i) => {
      const dice = Dice.forKey(seed, `stale:${id}`);
      return [id, i < longStaleCount ? dice.int(3, 5) : dice.int(1, 2)];
    }),
  );

  const placements = new Map(
    homes.map((home) => [home.locationId, placementsFor(home, months.get(home.locationId)!.at(-1)!.usedBeds, seed)]),
  );
  return {
    seed,
    asOf,
    byProvider,
    providerName: new Map(providers.map((p) => [p.providerId, p.name])),
    stressed,
    insolventSince,
    homes,
    snapshots,
    months,
    missedMonths,
    placements,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Capacity Tracker

const CAPACITY_HEADER = [
  'cqcid', 'odscode', 'location', 'localauthority', 'region', 'icb', 'parentorganisation', 'maxcapacity', 'usedbeds',
  'declaredvacancies', 'isacceptingadmissions', 'admissionstatus', 'nursesemployed', 'careworkersemployed',
  'agencynursesemployed', 'agencycareworkersemployed', 'staffabsentpct', 'agencyhourspct', 'lastupdatedutc', 'completedby',
] as const;

function capacityRow(story: Story, home: Location, month: HomeMonth): Cell[] {
  const dice = Dice.forKey(story.seed, `return:${home.locationId}:${month.snapshotOn}`);
  const stressed = story.stressed.has(home.providerId);
  const nursing = home.serviceKind === 'nursing-home';
  const accepting = month.declaredVacancies > 0 && !dice.chance(0.03);
  const pct = (value: number) => (dice.chance(P.blankPercentageChance) ? '' : clamp(value, 0, 100).toFixed(1));
  const absence = P.staffAbsencePct;
  const agency = P.agencyHoursPct;
  const day = dice.int(8, 14);
  const time = `${pad2(dice.int(7, 19))}:${pad2(dice.int(0, 59))}:${pad2(dice.int(0, 59))}`;
  return [
    home.locationId,
    // No public lookup of ODS codes or ICBs by location is bundled; the parser reads neither.
    '',
    home.name,
    councilByGss(home.councilGss)?.name ?? '',
    home.region,
    '',
    story.providerName.get(home.providerId) ?? '',
    home.beds,
    month.usedBeds,
    month.declaredVacancies,
    accepting ? 'Yes' : 'No',
    accepting ? 'Accepting admissions' : 'Not accepting admissions',
    nursing ? Math.round((home.beds / 7) * dice.between(0.8, 1.2)) : 0,
    Math.round(home.beds * dice.between(0.9, 1.3)),
    nursing ? dice.int(stressed ? 1 : 0, stressed ? 5 : 2) : 0,
    dice.int(stressed ? 3 : 0, stressed ? 12 : 4),
    pct(dice.normal(stressed ? absence.stressedMean : absence.healthyMean, absence.sd)),
    pct(stressed ? dice.between(agency.stressedMin, agency.stressedMax) : dice.between(agency.healthyMin, agency.healthyMax)),
    `${monthOf(month.snapshotOn)}-${pad2(day)}T${time}Z`,
    personName(dice),
  ];
}

function capacityReturns(story: Story): CapacityReturnFile[] {
  return story.snapshots.map((snapshotOn, i) => {
    const rows = story.homes
      .filter((home) => i < story.snapshots.length - (story.missedMonths.get(home.locationId) ?? 0))
      .map((home) => capacityRow(story, home, story.months.get(home.locationId)![i]!));
    return { period: monthOf(snapshotOn), snapshotOn, csv: toCsv(CAPACITY_HEADER, rows) };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Safeguarding concerns

type AbuseType = (typeof ABUSE_TYPES)[number];

/** The usual mix of types at a service; neglect and acts of omission leads, as in the national collection. */
const USUAL_TYPES: Readonly<Record<AbuseType, number>> = {
  'neglect-and-acts-of-omission': 32,
  physical: 20,
  psychological: 12,
  'financial-or-material': 12,
  organisational: 7,
  'self-neglect': 6,
  domestic: 5,
  sexual: 4,
  discriminatory: 1,
  'modern-slavery': 1,
};
const CLUSTER_TYPES: Readonly<Record<'neglect-and-acts-of-omission' | 'organisational' | 'physical', number>> = {
  'neglect-and-acts-of-omission': 55,
  organisational: 35,
  physical: 10,
};

interface Concern {
  locationId: string;
  reportingCouncilGss: string;
  dateReceived: IsoDate;
  abuseType: AbuseType;
  section42: boolean;
  adultName: string;
  dateOfBirth: IsoDate;
  notes: string;
}

function concernsAt(story: Story, location: Location): Concern[] {
  const dice = Dice.forKey(story.seed, `concerns:${location.locationId}`);
  const placers = (story.placements.get(location.locationId) ?? []).slice(1).map((p) => p.councilGss);
  const concern = (dateReceived: IsoDate, abuseType: AbuseType, s42Chance: number): Concern => ({
    locationId: location.locationId,
    reportingCouncilGss: placers.length > 0 && !dice.chance(P.hostReportsChance) ? dice.pick(placers) : location.councilGss,
    dateReceived,
    abuseType,
    section42: dice.chance(s42Chance),
    adultName: personName(dice),
    dateOfBirth: dice.date('1925-01-01', '1960-12-31'),
    notes: `${PERSONAL_DATA_MARKER} ${dice.pick(NOTES)}`,
  });
  const concerns: Concern[] = [];
  // At most one usual concern a month: a binomial draw that needs no logarithms.
  const monthly = P.concernsPerYear[location.serviceKind] / 12;
  for (let m = 0; m < P.concernMonths; m++) {
    if (dice.chance(monthly)) {
      const to = addMonths(story.asOf, -m);
      concerns.push(concern(dice.date(addDays(addMonths(to, -1), 1), to), dice.weighted(USUAL_TYPES), P.section42Chance.healthy));
    }
  }
  if (story.stressed.has(location.providerId) && dice.chance(P.cluster.chance)) {
    for (let n = dice.int(P.cluster.min, P.cluster.max); n > 0; n--) {
      const dateReceived = dice.date(addDays(story.asOf, -P.cluster.withinDays), story.asOf);
      concerns.push(concern(dateReceived, dice.weighted(CLUSTER_TYPES), P.section42Chance.cluster));
    }
  }
  return concerns;
}

/** Numbers each council's records in date order, as a council's case system would. */
function numberByCouncil<T extends { councilGss: string; date: IsoDate; tiebreak: string }>(
  records: T[],
  prefix: string,
): (T & { id: string })[] {
  const counters = new Map<string, number>();
  return [...records]
    .sort((a, b) => byText(a.date, b.date) || byText(a.tiebreak, b.tiebreak))
    .map((record) => {
      const n = (counters.get(record.councilGss) ?? 0) + 1;
      counters.set(record.councilGss, n);
      return { ...record, id: `${prefix}-${String(n).padStart(5, '0')}` };
    })
    .sort((a, b) => byText(a.councilGss, b.councilGss) || byText(a.id, b.id));
}

const SAFEGUARDING_HEADER = [
  'concern_id', 'reporting_council_gss', 'location_id', 'date_received', 'abuse_type', 'section42_enquiry',
  'adult_name', 'adult_date_of_birth', 'notes',
] as const;

function safeguardingCsv(story: Story): string {
  const concerns = [...story.byProvider.values()].flat().flatMap((location) =>
    concernsAt(story, location).map((concern, i) => ({
      ...concern,
      councilGss: concern.reportingCouncilGss,
      date: concern.dateReceived,
      tiebreak: `${concern.locationId}#${String(i).padStart(3, '0')}`,
    })),
  );
  const rows = numberByCouncil(concerns, 'SG').map((c) => [
    c.id,
    c.reportingCouncilGss,
    c.locationId,
    c.dateReceived,
    c.abuseType,
    c.section42 ? 'Yes' : 'No',
    c.adultName,
    `${PERSONAL_DATA_MARKER} ${c.dateOfBirth}`,
    c.notes,
  ]);
  return toCsv(SAFEGUARDING_HEADER, rows);
}

// ---------------------------------------------------------------------------------------------------------
// Commissioner actions

interface Action {
  councilGss: string;
  subjectType: 'location' | 'provider';
  subjectId: string;
  action: CommissionerActionType;
  date: IsoDate;
}

function actionsAgainst(story: Story, providerId: string, locations: readonly Location[]): Action[] {
  const dice = Dice.forKey(story.seed, `actions:${providerId}`);
  const actions: Action[] = [];
  const at = (location: Location, action: CommissionerActionType, date: IsoDate): void => {
    actions.push({ councilGss: location.councilGss, subjectType: 'location', subjectId: location.locationId, action, date });
  };
  const recent = () => dice.date(addDays(story.asOf, -P.stressedActions.withinDays), story.asOf);
  for (const location of locations) {
    if (story.stressed.has(providerId)) {
      if (dice.chance(P.stressedActions.embargoChance)) at(location, 'placement-embargo', recent());
      if (dice.chance(P.stressedActions.suspensionChance)) at(location, 'contract-suspended', recent());
      if (dice.chance(P.stressedActions.enforcementChance)) at(location, 'cqc-enforcement', recent());
    } else {
      // Noise: an action taken and undone some time ago.
      for (const [action, undone, chance] of [
        ['placement-embargo', 'placement-embargo-lifted', P.healthyActions.embargoChance],
        ['contract-suspended', 'contract-reinstated', P.healthyActions.suspensionChance],
      ] as const) {
        if (dice.chance(chance)) {
          const taken = dice.date(addMonths(story.asOf, -24), addDays(story.asOf, -120));
          at(location, action, taken);
          at(location, undone, addDays(taken, dice.int(30, 90)));
        }
      }
    }
  }
  return actions;
}

/** The council hosting most of a provider's services (the lowest code on a tie) records its s56 notice. */
function mainCouncil(locations: readonly Location[]): string {
  const counts = new Map<string, number>();
  for (const location of locations) counts.set(location.councilGss, (counts.get(location.councilGss) ?? 0) + 1);
  return [...counts].sort(([a, x], [b, y]) => y - x || byText(a, b))[0]![0];
}

function commissionerActionsCsv(story: Story): string {
  const actions = [...story.byProvider].flatMap(([providerId, locations]) => actionsAgainst(story, providerId, locations));
  const noticed = drawIds([...story.insolventSince.keys()].sort(byText), P.s56Notices, story.seed, 's56');
  for (const providerId of noticed) {
    const since = story.insolventSince.get(providerId)!;
    const date = Dice.forKey(story.seed, `s56:${providerId}`).date(addDays(since, 1), addDays(since, 10));
    const councilGss = mainCouncil(story.byProvider.get(providerId)!);
    actions.push({ councilGss, subjectType: 'provider', subjectId: providerId, action: 's56-notice', date });
  }
  const numbered = numberByCouncil(
    actions.map((a) => ({ ...a, tiebreak: `${a.subjectId}#${a.action}` })),
    'CA',
  );
  const rows = numbered.map((a) => {
    const officer = personName(Dice.forKey(story.seed, `officer:${a.councilGss}#${a.id}`));
    return [a.id, a.councilGss, a.subjectType, a.subjectId, a.action, a.date, officer];
  });
  return toCsv(['action_id', 'council_gss', 'subject_type', 'subject_id', 'action', 'effective_date', 'officer_name'], rows);
}

// ---------------------------------------------------------------------------------------------------------
// Companies House

function companyLine(story: Story, provider: Provider & { companyNumber: string }): object {
  const { seed, asOf } = story;
  const dice = Dice.forKey(seed, `company:${provider.providerId}`);
  const stressed = story.stressed.has(provider.providerId);
  const insolventSince = story.insolventSince.get(provider.providerId);
  const o = P.accountsOverdue;
  const overdueDays = stressed
    ? dice.chance(o.stressedChance) ? dice.int(o.stressedMinDays, o.stressedMaxDays) : 0
    : dice.chance(o.healthyChance) ? dice.int(1, o.healthyMaxDays) : 0;
  // Work back from the due date: accounts are due 9 months after the period they cover ends.
  const dueOn = overdueDays > 0 ? addDays(asOf, -overdueDays) : addDays(asOf, dice.int(30, 330));
  const periodEnd = addMonths(dueOn, -9);
  const lastMadeUpTo = addMonths(periodEnd, -12);
  const confirmationOverdue = dice.chance(stressed ? P.confirmationOverdueChance.stressed : P.confirmationOverdueChance.healthy);
  const confirmationDue = confirmationOverdue ? addDays(asOf, -dice.int(5, 90)) : addDays(asOf, dice.int(10, 360));

  const charges = Array.from({ length: dice.chance(0.5) ? dice.int(1, 3) : 0 }, () => ({
    created_on: dice.date(addMonths(asOf, -120), addMonths(asOf, -13)),
    status: dice.chance(0.6) ? 'outstanding' : 'fully-satisfied',
  }));
  if (dice.chance(stressed ? P.newChargeChance.stressed : P.newChargeChance.healthy)) {
    charges.push({ created_on: dice.date(addMonths(asOf, -11), asOf), status: 'outstanding' });
  }
  charges.sort((a, b) => byText(b.created_on, a.created_on));

  const c = P.creditScore;
  const creditScore =
    insolventSince !== undefined
      ? dice.int(0, c.insolventMax)
      : dice.chance(c.noneHeldChance)
        ? null
        : stressed
          ? dice.int(c.stressedMin, c.stressedMax)
          : Math.round(clamp(dice.normal(c.healthyMean, c.healthySd), 26, 100));
  const administration = dice.chance(0.7);
  const status = insolventSince === undefined ? 'active' : administration ? 'administration' : 'liquidation';
  const strikeOff = stressed && insolventSince === undefined && confirmationOverdue && overdueDays > 90;

  return {
    providerId: provider.providerId,
    profile: {
      company_number: provider.companyNumber,
      company_name: provider.name.toUpperCase(),
      company_status: status,
      ...(strikeOff ? { company_status_detail: 'active-proposal-to-strike-off' } : {}),
      has_insolvency_history: insolventSince !== undefined,
      has_charges: charges.length > 0,
      accounts: {
        overdue: overdueDays > 0,
        next_due: dueOn,
        next_made_up_to: periodEnd,
        next_accounts: { period_start_on: addDays(lastMadeUpTo, 1), period_end_on: periodEnd, due_on: dueOn, overdue: overdueDays > 0 },
        last_accounts: { made_up_to: lastMadeUpTo, type: dice.pick(['full', 'small', 'total-exemption-full', 'micro-entity', 'group']) },
      },
      confirmation_statement: { overdue: confirmationOverdue, next_due: confirmationDue, next_made_up_to: addDays(confirmationDue, -14) },
    },
    insolvency:
      insolventSince === undefined
        ? null
        : {
            cases: [
              {
                type: administration ? 'in-administration' : 'creditors-voluntary-liquidation',
                number: '1',
                dates: [{ type: administration ? 'administration-started-on' : 'wound-up-on', date: insolventSince }],
                practitioners: [1, 2].map(() => ({ name: personName(dice), appointed_on: insolventSince, role: 'practitioner' })),
              },
            ],
          },
    charges: charges.length > 0 ? { total_count: charges.length, items: charges } : null,
    creditScore,
  };
}

function companiesHouseJsonl(story: Story, providers: readonly Provider[]): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const provider of [...providers].sort((a, b) => byText(a.providerId, b.providerId))) {
    // One line per company: a second provider on the same company number would repeat the same snapshot.
    if (provider.companyNumber === null || seen.has(provider.companyNumber)) continue;
    seen.add(provider.companyNumber);
    lines.push(JSON.stringify(companyLine(story, { ...provider, companyNumber: provider.companyNumber })));
  }
  return lines.map((line) => `${line}\n`).join('');
}

// ---------------------------------------------------------------------------------------------------------

function placementsCsv(story: Story): string {
  const rows = [...story.placements]
    .flatMap(([locationId, placing]) => placing.map((p) => [p.councilGss, locationId, p.residents] as const))
    .sort((a, b) => byText(a[1], b[1]) || byText(a[0], b[0]));
  return toCsv(['council_gss', 'location_id', 'residents_placed'], rows);
}

export function generateSample(options: SampleOptions): SampleFiles {
  const story = tellStory(options);
  return {
    capacityReturns: capacityReturns(story),
    safeguardingCsv: safeguardingCsv(story),
    companiesHouseJsonl: companiesHouseJsonl(story, options.providers),
    commissionerActionsCsv: commissionerActionsCsv(story),
    placementsCsv: placementsCsv(story),
  };
}
