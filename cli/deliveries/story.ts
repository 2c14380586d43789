// The market the delivery generator describes: about N real locations of the bundled CQC register sample,
// the monthly delivery dates, and which providers the story puts in trouble and when. Every random draw
// comes from a stream keyed by the seed and one entity, so the same options give the same files. Like the
// sample generator, this knows nothing of how risk is scored: the story is told in the data only.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { groupBy } from '../../shared/domain/collections.js';
import { addDays, addMonths } from '../../shared/domain/dates.js';
import { isCareHome, type IsoDate, type Location, type Provider } from '../../shared/domain/model.js';
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

/** Companies House numbers: England and Wales, Scotland, Northern Ireland and LLPs (registered societies are not there). */
export const isCompaniesHouseNumber = (number: string | null): number is string => number !== null && /^(\d{8}|(SC|NI|OC)\d{6})$/.test(number);

export function tellStory(options: DeliveryOptions): Story {
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
  const chosen = [...roles.keys()];
  let count = chosen.reduce((sum, id) => sum + all.get(id)!.length, 0);
  for (const id of seededOrder([...all.keys()], options.seed, 'fill')) {
    const size = all.get(id)!.length;
    if (roles.has(id) || count + size > options.locations) continue;
    chosen.push(id);
    count += size;
  }
  const providers = chosen.map((id) => providerOf.get(id)!).sort((a, b) => byText(a.providerId, b.providerId));
  const locations = providers.flatMap((p) => all.get(p.providerId)!).sort((a, b) => byText(a.locationId, b.locationId));
  return {
    seed: options.seed,
    deliveries,
    registerHeader: registerHeader!,
    registerRows: new Map(locations.map((l) => [l.locationId, rowOf.get(l.locationId)!])),
    locations,
    providers,
    byProvider: groupBy(locations, (l) => l.providerId),
    roles,
  };
}

/** The ids in an order drawn from the seed, each id by its own stream. */
function seededOrder(ids: readonly string[], seed: number, purpose: string): string[] {
  return ids
    .map((id) => ({ id, clock: Dice.forKey(seed, `${purpose}:${id}`).float() }))
    .sort((a, b) => a.clock - b.clock || byText(a.id, b.id))
    .map(({ id }) => id);
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
