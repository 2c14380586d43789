// The market the delivery generator describes: about N real locations of the bundled CQC register sample,
// the monthly delivery dates, and which providers the story puts in trouble and when. Every random draw
// comes from a stream keyed by the seed and one entity, so the same options give the same files. Like the
// sample generator, this knows nothing of how risk is scored: the story is told in the data only. Besides the
// providers in trouble, a group sells care homes to a new provider (new CQC ids at the same addresses) and an
// unrelated care home closes, in the same delivery: a change of owner and a closure look alike in a register.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { groupBy } from '../../shared/domain/collections.js';
import { addDays, addMonths } from '../../shared/domain/dates.js';
import { type AdassRegion, isCareHome, type IsoDate, type Location, type Provider } from '../../shared/domain/model.js';
import { parseCqcRegister } from '../../shared/sources/cqc-register.js';
import { Dice } from '../sample/dice.js';
import { PERSONAL_DATA_MARKER } from '../sample/generate.js';

export interface DeliveryOptions {
  seed: number;
  /** How many monthly deliveries, the last one on `last`. */
  months: number;
  /** About how many locations: whole providers are taken, so never more. */
  locations: number;
  last: IsoDate;
}

export const DELIVERY_DEFAULTS: DeliveryOptions = { seed: 20251015, months: 9, locations: 200, last: '2025-10-15' };

const REGISTER_FILE = new URL('../../data/cqc/locations-sample.csv', import.meta.url);

/**
 * What happens to the providers in trouble, as fractions of the timeline (0 the first delivery, 1 the last);
 * an event never falls on the first delivery, which shows the market before it. Assumptions, sized so a
 * year's story fits in a few months of deliveries.
 */
export const STORY = {
  /** A provider in several councils and regions that slides and fails: the widest escalation. */
  national: { managerGone: 0.3, concernsFrom: 0.3, accountsDue: 0.4, requiresImprovement: 0.4, inadequate: 0.5, embargo: 0.5, administration: 0.75 },
  /** Care homes whose occupancy falls while concerns with s.42 enquiries gather. */
  slide: { occupancyFrom: 0.2, concernsFrom: 0.4, embargo: 0.8 },
  /** A company that stops filing. */
  filings: { accountsDue: 0.3, confirmationDue: 0.5 },
  /** A service re-inspected and rated Inadequate. */
  downgrade: { inadequate: 0.6 },
  /** A company that files late, then goes into administration. */
  administration: { accountsDue: 0.3, administration: 0.6 },
} as const;

export type Role = keyof typeof STORY;

/**
 * The sale, in the delivery at this fraction of the timeline: a group sells `homes` care homes in `councils`
 * councils to a new provider on one day, and a care home of an unrelated provider closes within a few days of
 * it. The biggest sold home's occupancy falls by 25 to 35 points from `fallFromMonthsBefore` months before the
 * sale to the last delivery, across its change of id. Assumptions.
 */
export const SALE = { at: 0.6, homes: 8, councils: 3, fallFromMonthsBefore: 4, fall: { min: 0.25, max: 0.35 }, closureDaysAway: 3 } as const;

/** A sold home: its registration under the seller and the one under the buyer, same address and beds. */
export interface SoldHome {
  from: Location;
  to: Location;
}

export interface Sale {
  /** The day CQC deregisters the seller's homes and registers them under the buyer. */
  on: IsoDate;
  /** The delivery that first reports it. */
  index: number;
  seller: Provider;
  buyer: Provider & { companyNumber: string };
  homes: SoldHome[];
  /** The sold home whose occupancy falls across the sale. */
  falling: SoldHome;
}

/** A care home deregistered with no successor. */
export interface Closure {
  location: Location;
  on: IsoDate;
  index: number;
}

export interface Story {
  seed: number;
  /** The delivery dates, oldest first. */
  deliveries: IsoDate[];
  /** The register extract's header and each chosen location's row, as published. */
  registerHeader: string[];
  registerRows: Map<string, string[]>;
  locations: Location[];
  providers: Provider[];
  byProvider: Map<string, Location[]>;
  roles: Map<string, Role>;
  /** None when the deliveries are too few to show a before and an after, or no provider has a home to sell. */
  sale: Sale | undefined;
  /** None when the deliveries are too few, or no care home is left outside the story. */
  closure: Closure | undefined;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const roleOf = (story: Story, providerId: string): Role | undefined => story.roles.get(providerId);

/** The delivery at a fraction of the timeline, never the first (when there is more than one). */
export function deliveryAt(story: Story, fraction: number): number {
  const last = story.deliveries.length - 1;
  return Math.min(last, Math.max(Math.min(1, last), Math.round(fraction * last)));
}

/** The days a delivery covers: after the one before it, up to its own date (a year back for the first). */
export function windowOf(story: Story, index: number): { from: IsoDate; to: IsoDate } {
  const to = story.deliveries[index]!;
  const from = index === 0 ? addMonths(to, -12) : addDays(story.deliveries[index - 1]!, 1);
  return { from, to };
}

/** A day in the month before a delivery, a little before it, for an event that delivery reports. */
export const dayBefore = (story: Story, index: number, dice: Dice): IsoDate => {
  const { to } = windowOf(story, index);
  return dice.date(addDays(to, -27), addDays(to, -3));
};

/** The day a provider's company went into administration, for the two roles that do. */
export function administrationOn(story: Story, providerId: string): IsoDate | undefined {
  const role = roleOf(story, providerId);
  if (role !== 'national' && role !== 'administration') return undefined;
  return dayBefore(story, deliveryAt(story, STORY[role].administration), Dice.forKey(story.seed, `administration:${providerId}`));
}

const FIRST_NAMES = ['Jane', 'John', 'Mary', 'Peter', 'Susan', 'David', 'Margaret', 'Alan'];
// Surnames nobody has, so a marker value can never be mistaken for a real person.
const SURNAMES = ['Example', 'Sample', 'Specimen', 'Fictional', 'Placeholder'];
export const personName = (dice: Dice): string => `${PERSONAL_DATA_MARKER} ${dice.pick(FIRST_NAMES)} ${dice.pick(SURNAMES)}`;

/** A sold home's two registrations, found by either id. */
export const soldHome = (story: Story, location: Location): SoldHome | undefined =>
  story.sale?.homes.find((home) => home.from.locationId === location.locationId || home.to.locationId === location.locationId);

/** The home a registration is of: a successor's own draws (occupancy, staff, manager) are its predecessor's. */
export const homeOf = (story: Story, location: Location): Location => soldHome(story, location)?.from ?? location;

/** The registration a chosen service is under on a day: its successor once sold, none once the story closes it. */
export function registrationOn(story: Story, location: Location, day: IsoDate): Location | undefined {
  if (story.closure?.location.locationId === location.locationId && story.closure.on <= day) return undefined;
  const sold = soldHome(story, location);
  return sold && story.sale!.on <= day ? sold.to : location;
}

/** The registrations CQC publishes on a delivery's day: the chosen services, and the buyer's once the sale is reported. */
export const registrationsBy = (story: Story, index: number): Location[] =>
  story.sale && index >= story.sale.index ? [...story.locations, ...story.sale.homes.map((home) => home.to)] : story.locations;

/** A chosen provider or the buyer. */
export const providerById = (story: Story, providerId: string): Provider =>
  [...story.providers, ...(story.sale ? [story.sale.buyer] : [])].find((p) => p.providerId === providerId)!;

/** Companies House numbers: England and Wales, Scotland, Northern Ireland and LLPs (registered societies are not there). */
export const isCompaniesHouseNumber = (number: string | null): number is string => number !== null && /^(\d{8}|(SC|NI|OC)\d{6})$/.test(number);

/** The councils placing residents in a home, its own first: drawn with the homes' occupancy (tracker-files.ts), so passed in. */
export type Placers = (story: Story, home: Location) => readonly { councilGss: string }[];

export function tellStory(options: DeliveryOptions, placers: Placers): Story {
  const deliveries = Array.from({ length: options.months }, (_, i) => addMonths(options.last, i - (options.months - 1)));
  const text = readFileSync(REGISTER_FILE, 'utf8');
  const [registerHeader, ...rows] = parse(text, { bom: true }) as string[][];
  // Read as of the first delivery: a service registered after it is not yet in the market.
  const first = deliveries[0]!;
  const register = parseCqcRegister(text, { origin: 'register', receivedOn: first, snapshotOn: first });
  const idColumn = registerHeader!.indexOf('Location ID');
  const rowOf = new Map(rows.map((row) => [row[idColumn]!.trim(), row]));
  const all = groupBy([...register.locations].sort((a, b) => byText(a.locationId, b.locationId)), (l) => l.providerId);
  const providerOf = new Map(register.providers.map((p) => [p.providerId, p]));

  const ratingColumn = registerHeader!.indexOf('Location Latest Overall Rating');
  const isGood = (l: Location) => rowOf.get(l.locationId)?.[ratingColumn]?.trim() === 'Good';
  const roles = castRoles(options, all, providerOf, isGood);
  const seller = deliveries.length > 1 ? castSeller(options, all, roles) : undefined;
  const chosen = [...roles.keys(), ...(seller ? [seller] : [])];
  let count = chosen.reduce((sum, id) => sum + all.get(id)!.length, 0);
  for (const id of seededOrder([...all.keys()], options.seed, 'fill')) {
    const size = all.get(id)!.length;
    if (chosen.includes(id) || count + size > options.locations) continue;
    chosen.push(id);
    count += size;
  }
  const providers = chosen.map((id) => providerOf.get(id)!).sort((a, b) => byText(a.providerId, b.providerId));
  const uprnColumn = registerHeader!.indexOf('Location UPRN');
  const locations = providers
    .flatMap((p) => all.get(p.providerId)!)
    .sort((a, b) => byText(a.locationId, b.locationId))
    .map((l) => addressed(options.seed, l, rowOf.get(l.locationId)![uprnColumn]!.trim()));
  const story: Story = {
    seed: options.seed,
    deliveries,
    registerHeader: registerHeader!,
    registerRows: new Map(locations.map((l) => [l.locationId, rowOf.get(l.locationId)!])),
    locations,
    providers,
    byProvider: groupBy(locations, (l) => l.providerId),
    roles,
    sale: undefined,
    closure: undefined,
  };
  if (deliveries.length > 1) {
    const providerColumn = registerHeader!.indexOf('Provider ID');
    const realIds = new Set(rows.flatMap((row) => [row[idColumn]!.trim(), row[providerColumn]!.trim()]));
    story.sale = castSale(story, seller ?? biggestHomeOwner(story), realIds);
    story.closure = castClosure(story, placers);
  }
  return story;
}

// Postcode areas by ADASS region, so an invented postcode looks local.
const POSTCODE_AREAS: Readonly<Record<AdassRegion, readonly string[]>> = {
  East: ['CB', 'CO', 'IP', 'NR', 'SG', 'LU'],
  'East Midlands': ['NG', 'DE', 'LE', 'NN', 'LN'],
  'Greater London': ['N', 'E', 'SE', 'SW', 'W', 'CR'],
  'North East': ['NE', 'DH', 'SR', 'TS'],
  'North West': ['M', 'L', 'PR', 'BL', 'WN', 'CA'],
  'South East': ['SO', 'PO', 'RG', 'OX', 'GU', 'BN'],
  'South West': ['BS', 'EX', 'PL', 'BA', 'TA', 'GL'],
  'West Midlands': ['B', 'CV', 'WV', 'ST', 'WS', 'DY'],
  'Yorkshire and Humber': ['LS', 'S', 'BD', 'HU', 'YO', 'DN'],
};
/** The letters a postcode's unit may use. */
const UNIT_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ'.split('');

/**
 * A service with its address keys, as the CQC API gives them: the register's UPRN, or an invented one where the
 * register has none; and an invented postcode, as the register extract carries none.
 */
function addressed(seed: number, location: Location, registerUprn: string): Location {
  const dice = Dice.forKey(seed, `address:${location.locationId}`);
  const invented = String(dice.int(10_000_000, 99_999_999_999));
  const postcode = `${dice.pick(POSTCODE_AREAS[location.region])}${dice.int(1, 29)} ${dice.int(1, 9)}${dice.pick(UNIT_LETTERS)}${dice.pick(UNIT_LETTERS)}`;
  return { ...location, uprn: /^\d{1,12}$/.test(registerUprn) ? registerUprn : invented, postcode };
}

/** The ids in an order drawn from the seed, each id by its own stream. */
function seededOrder(ids: readonly string[], seed: number, purpose: string): string[] {
  return ids
    .map((id) => ({ id, clock: Dice.forKey(seed, `${purpose}:${id}`).float() }))
    .sort((a, b) => a.clock - b.clock || byText(a.id, b.id))
    .map(({ id }) => id);
}

/** The homes a group sells: from its three councils with most homes (lowest code first on a tie), in turn, in id order. */
function homesToSell(services: readonly Location[]): Location[] {
  const councils = [...groupBy(services.filter((l) => isCareHome(l) && l.beds > 0), (l) => l.councilGss)]
    .sort(([a, x], [b, y]) => y.length - x.length || byText(a, b))
    .slice(0, SALE.councils)
    .map(([, homes]) => homes);
  const sold: Location[] = [];
  for (let turn = 0; sold.length < SALE.homes && councils.some((homes) => homes.length > turn); turn++) {
    for (const homes of councils) if (homes[turn] && sold.length < SALE.homes) sold.push(homes[turn]!);
  }
  return sold;
}

/**
 * The group that sells: the one with most care homes that can sell eight in three councils and fits in a sixth
 * of the market beside the providers in trouble. Cast before the market is filled, so it widens the market.
 */
function castSeller(options: DeliveryOptions, all: Map<string, Location[]>, roles: Map<string, Role>): string | undefined {
  const taken = [...roles.keys()].reduce((sum, id) => sum + all.get(id)!.length, 0);
  const homes = (id: string) => all.get(id)!.filter(isCareHome).length;
  return [...all.keys()]
    .filter((id) => {
      const services = all.get(id)!;
      const sold = homesToSell(services);
      return (
        !roles.has(id) &&
        services.length <= Math.max(4, Math.floor(options.locations / 6)) &&
        taken + services.length <= options.locations &&
        sold.length === SALE.homes &&
        new Set(sold.map((l) => l.councilGss)).size === SALE.councils
      );
    })
    .sort((a, b) => homes(b) - homes(a) || byText(a, b))[0];
}

/** In a market too small for a group, the chosen provider with most care homes sells them all (up to eight). */
function biggestHomeOwner(story: Story): string | undefined {
  const sold = (id: string) => homesToSell(story.byProvider.get(id)!);
  const councils = (id: string) => new Set(sold(id).map((l) => l.councilGss)).size;
  return story.providers
    .map((p) => p.providerId)
    .filter((id) => !story.roles.has(id) && sold(id).length > 0)
    .sort((a, b) => sold(b).length - sold(a).length || councils(b) - councils(a) || byText(a, b))[0];
}

// Invented, so no real company is named: the buyer's name and company number (above the numbers Companies House
// had issued by 2025) and the new CQC ids (1-9 and ten digits, above the ids CQC had issued by 2025).
const BUYER_NAMES = ['Exampleford', 'Samplebrook', 'Specimen Hill', 'Placeholder Vale'];
const usDate = (day: IsoDate): string => `${Number(day.slice(5, 7))}/${Number(day.slice(8))}/${day.slice(0, 4)} 12:00:00 AM`;
const GROUP_SIZES: [number, string][] = [[1, '1 location'], [5, '2 - 5 locations'], [10, '6 - 10 locations'], [20, '11 - 20 locations'], [50, '21 - 50 locations']];
/** The register's share of beds is of about 893,500 beds (10,991 are 1.23%); the % of areas is of 153 councils, rounded up. */
const BEDS_PER_PERCENT = 8935;

function freshId(dice: Dice, taken: Set<string>): string {
  let id: string;
  do id = `1-9${String(dice.int(0, 99_999)).padStart(5, '0')}${String(dice.int(0, 99_999)).padStart(5, '0')}`;
  while (taken.has(id));
  taken.add(id);
  return id;
}

/** The sale of a provider's homes to a new provider, reported by the delivery at SALE.at. */
function castSale(story: Story, sellerId: string | undefined, taken: Set<string>): Sale | undefined {
  if (sellerId === undefined) return undefined;
  const index = deliveryAt(story, SALE.at);
  const { to: reported } = windowOf(story, index);
  const dice = Dice.forKey(story.seed, 'sale');
  // Weeks before the delivery, so the month's capacity returns (the week before it) already come from the buyer.
  const on = dice.date(addDays(reported, -24), addDays(reported, -13));
  const buyerDice = Dice.forKey(story.seed, 'buyer');
  const buyer = {
    providerId: freshId(buyerDice, taken),
    name: `${buyerDice.pick(BUYER_NAMES)} Care Homes Ltd`,
    companyNumber: String(buyerDice.int(17_000_000, 17_999_999)),
    ownershipType: 'Organisation',
    groupId: null,
  };
  const homes = homesToSell(story.byProvider.get(sellerId)!).map((from) => ({
    from,
    to: { ...from, locationId: freshId(Dice.forKey(story.seed, `successor:${from.locationId}`), taken), providerId: buyer.providerId, registeredOn: on },
  }));
  const beds = homes.reduce((sum, home) => sum + home.to.beds, 0);
  const councils = new Set(homes.map((home) => home.to.councilGss)).size;
  const buyerCells: Record<string, string> = {
    'Location HSCA start date': on,
    'Location HSCA end date': '',
    'Publication Date': usDate(on),
    'Location length of service (bands by number of years)': '',
    'Location Web Address': '',
    'Provider Name': buyer.name,
    'Provider ID': buyer.providerId,
    'Provider HSCA start date': usDate(on),
    'Provider length of service (bands by number of years)': '0',
    'Provider Ownership Type': buyer.ownershipType,
    'Provider Companies House Number': buyer.companyNumber,
    'Provider characteristic - number of locations': String(homes.length),
    'Provider characteristic - national group size (based on locations)': GROUP_SIZES.find(([max]) => homes.length <= max)?.[1] ?? 'More than 50 locations',
    'Provider characteristic - number of beds': String(beds),
    'Provider characteristic - share of beds (nationally)': String(Math.round((100 * beds) / BEDS_PER_PERCENT) / 100),
    'Provider characteristic - number of local authority areas where it has locations': String(councils),
    'Provider characteristic - % of local authority areas where it has locations': `${Math.ceil((100 * councils) / 153)}.00%`,
  };
  for (const { from, to } of homes) {
    const row = [...story.registerRows.get(from.locationId)!];
    story.registerHeader.forEach((column, i) => {
      if (column.startsWith('Brand')) row[i] = '';
      else if (column in buyerCells) row[i] = buyerCells[column]!;
    });
    row[story.registerHeader.indexOf('Location ID')] = to.locationId;
    story.registerRows.set(to.locationId, row);
  }
  // The biggest home, so its fall shows in whole beds.
  const falling = [...homes].sort((a, b) => b.from.beds - a.from.beds || byText(a.from.locationId, b.from.locationId))[0]!;
  return { on, index, seller: story.providers.find((p) => p.providerId === sellerId)!, buyer, homes, falling };
}

/**
 * A care home (five beds or more) of a provider outside the story, closed near the sale day with no successor:
 * one where other councils place residents too, where there is one, so the closure concerns more than its host.
 */
function castClosure(story: Story, placers: Placers): Closure | undefined {
  const index = deliveryAt(story, SALE.at);
  const candidates = story.locations.filter(
    (l) => isCareHome(l) && l.beds >= 5 && !story.roles.has(l.providerId) && l.providerId !== story.sale?.seller.providerId,
  );
  const order = seededOrder(candidates.map((l) => l.locationId), story.seed, 'closure').map((id) => candidates.find((l) => l.locationId === id)!);
  const location = order.find((l) => placers(story, l).length > 1) ?? order[0];
  if (location === undefined) return undefined;
  const dice = Dice.forKey(story.seed, 'closure-day');
  const { to: reported } = windowOf(story, index);
  const near = story.sale?.on ?? addDays(reported, -18);
  return { location, on: addDays(near, dice.int(-SALE.closureDaysAway, SALE.closureDaysAway)), index };
}

/**
 * The providers in trouble: the widest provider that fits in a sixth of the market fails, and a few small
 * ones each tell one part of the story (two slides where the market is large enough).
 */
function castRoles(
  options: DeliveryOptions,
  all: Map<string, Location[]>,
  providerOf: Map<string, Provider>,
  isGood: (location: Location) => boolean,
): Map<string, Role> {
  const spread = (locations: readonly Location[]) => [new Set(locations.map((l) => l.region)).size, new Set(locations.map((l) => l.councilGss)).size];
  const hasCompany = (id: string) => isCompaniesHouseNumber(providerOf.get(id)!.companyNumber);
  const hasHome = (id: string) => all.get(id)!.some((l) => isCareHome(l) && l.beds >= 5);
  const roles = new Map<string, Role>();
  const widest = [...all.keys()]
    .filter((id) => hasCompany(id) && hasHome(id) && all.get(id)!.length <= Math.max(4, Math.floor(options.locations / 6)))
    .map((id) => ({ id, spread: spread(all.get(id)!) }))
    .sort((a, b) => b.spread[0]! - a.spread[0]! || b.spread[1]! - a.spread[1]! || byText(a.id, b.id))[0];
  if (widest) roles.set(widest.id, 'national');
  // Independent providers (CQC ids, not NHS trusts' ODS codes) of one or two services.
  const small = seededOrder([...all.keys()], options.seed, 'roles').filter((id) => id.startsWith('1-') && all.get(id)!.length <= 2);
  const wants: [Role, (id: string) => boolean][] = [
    ['slide', hasHome],
    ...(options.locations >= 100 ? [['slide', hasHome] as [Role, (id: string) => boolean]] : []),
    ['filings', hasCompany],
    ['downgrade', (id) => all.get(id)!.some(isGood)],
    ['administration', hasCompany],
  ];
  for (const [role, fits] of wants) {
    const id = small.find((candidate) => !roles.has(candidate) && fits(candidate));
    if (id) roles.set(id, role);
  }
  return roles;
}
