// The care homes' NHS Capacity Tracker monthly exports (the documented field names, as in
// data/examples/capacity-tracker.csv) and the councils' placements. A healthy home's occupancy wobbles around
// its own level, with a passing dip now and then; a home of a provider in trouble slides from a normal level
// to one a healthy home can also reach, so no single value separates the two. A sold home returns under its new
// id from the sale on, on its own path (one falls across the sale); a closed home stops returning. `completedby`
// names a member of staff: a personal-data marker.
import { councilByGss, councilsInRegion } from '../../shared/domain/councils.js';
import { addDays, addMonths } from '../../shared/domain/dates.js';
import { isCareHome, type IsoDate, type Location } from '../../shared/domain/model.js';
import { Dice } from '../sample/dice.js';
import { deliveryAt, personName, providerById, registrationOn, roleOf, SALE, STORY, type Story } from './story.js';

export interface Table {
  header: readonly string[];
  rows: (string | number)[][];
}

/** Months of returns the first delivery brings from before it, so a home's own past is known from the start. */
export const BACKFILL_MONTHS = 6;

/**
 * Occupancy and staffing. Assumptions near the sample generator's published figures: homes about 87% full
 * (LaingBuisson about 85%); homes in trouble end between 66% and 80%, where healthy homes start at 70%.
 */
const P = {
  healthyOccupancy: { mean: 0.875, sd: 0.045, min: 0.7, max: 0.98 },
  stressedOccupancy: { startMean: 0.86, startSd: 0.03, endMin: 0.66, endMax: 0.8 },
  passingDip: { chance: 0.1, depthMin: 0.06, depthMax: 0.14 },
  noiseSd: 0.012,
  vacancyRate: { healthyMin: 0.04, healthyMax: 0.09, stressedStart: 0.08, stressedEndMin: 0.12, stressedEndMax: 0.2 },
  absenceRate: { healthyMean: 0.045, stressedRise: 0.035, sd: 0.018 },
  agencyHours: { healthyNoneChance: 0.3, healthyMax: 250, stressedRise: 500 },
  missedReturnChance: 0.03,
  placers: { oneChance: 0.3, twoChance: 0.1 },
};

const CAPACITY_HEADER = [
  'cqcid', 'odscode', 'location', 'localauthority', 'region', 'icb', 'parentorganisation', 'maxcapacity', 'usedbeds',
  'declaredvacancies', 'isacceptingadmissions', 'admissionstatus', 'nursesemployed', 'careworkersemployed',
  'agencynursesemployed', 'agencycareworkersemployed', 'nursesabsentgeneral', 'careworkersabsentgeneral', 'hoursagency',
  'lastupdatedutc', 'completedby',
] as const;

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
const pad2 = (n: number): string => String(n).padStart(2, '0');

const homes = (story: Story): Location[] => story.locations.filter((l) => isCareHome(l) && l.beds > 0);

/** The day of a month of returns: a delivery's, or for the backfill the same day of an earlier month. */
const monthDay = (story: Story, month: number): IsoDate => story.deliveries[month] ?? addMonths(story.deliveries[0]!, month);

/** How far a home of a provider in trouble has slid by a month: 0 before its slide, 1 at the last delivery. */
function slide(story: Story, home: Location, month: number): number {
  const role = roleOf(story, home.providerId);
  if (role !== 'slide' && role !== 'national') return 0;
  const from = role === 'slide' ? deliveryAt(story, STORY.slide.occupancyFrom) : 0;
  const last = story.deliveries.length - 1;
  return month < from ? 0 : last === from ? 1 : clamp((month - from) / (last - from), 0, 1);
}

/** How far the falling sold home has fallen below its own level by a month: nothing before its fall starts. */
function saleFall(story: Story, home: Location, month: number): number {
  const sale = story.sale;
  if (sale?.falling.from !== home) return 0;
  const from = sale.index - SALE.fallFromMonthsBefore;
  const last = story.deliveries.length - 1;
  const depth = Dice.forKey(story.seed, `sale-fall:${home.locationId}`).between(SALE.fall.min, SALE.fall.max);
  return depth * clamp((month - from) / (last - from), 0, 1);
}

function occupancy(story: Story, home: Location, month: number): { usedBeds: number; declaredVacancies: number; progress: number } {
  const dice = Dice.forKey(story.seed, `occupancy:${home.locationId}`);
  const stressed = roleOf(story, home.providerId) === 'slide' || roleOf(story, home.providerId) === 'national';
  const progress = slide(story, home, month);
  const h = P.healthyOccupancy;
  const s = P.stressedOccupancy;
  const base = clamp(dice.normal(h.mean, h.sd), h.min, h.max);
  const start = clamp(dice.normal(s.startMean, s.startSd), 0.79, 0.93);
  const end = dice.between(s.endMin, s.endMax);
  const dip = dice.chance(P.passingDip.chance)
    ? { from: dice.int(-BACKFILL_MONTHS, story.deliveries.length - 1), length: dice.int(2, 3), depth: dice.between(P.passingDip.depthMin, P.passingDip.depthMax) }
    : undefined;
  const v = P.vacancyRate;
  const healthyVacancy = dice.between(v.healthyMin, v.healthyMax);
  const stressedVacancy = v.stressedStart + (dice.between(v.stressedEndMin, v.stressedEndMax) - v.stressedStart) * progress;
  const inDip = dip !== undefined && month >= dip.from && month < dip.from + dip.length;
  const level = stressed ? start + (end - start) * progress : base - (inDip ? dip.depth : 0) - saleFall(story, home, month);
  const noise = Dice.forKey(story.seed, `occupancy:${home.locationId}:${month}`).normal(0, P.noiseSd);
  const usedBeds = Math.round(home.beds * clamp(level + noise, 0.3, 1));
  const declaredVacancies = Math.min(home.beds - usedBeds, Math.round(home.beds * (stressed ? stressedVacancy : healthyVacancy)));
  return { usedBeds, declaredVacancies, progress };
}

function capacityRow(story: Story, home: Location, month: number): (string | number)[] | undefined {
  const registration = registrationOn(story, home, monthDay(story, month));
  if (!registration) return undefined;
  const dice = Dice.forKey(story.seed, `return:${home.locationId}:${month}`);
  const healthy = roleOf(story, home.providerId) === undefined;
  if (healthy && dice.chance(P.missedReturnChance)) return undefined;
  const { usedBeds, declaredVacancies, progress } = occupancy(story, home, month);
  const accepting = declaredVacancies > 0 && !dice.chance(0.03);
  const nursing = home.serviceKind === 'nursing-home';
  const nurses = nursing ? Math.max(1, Math.round((home.beds / 7) * dice.between(0.8, 1.2))) : 0;
  const careWorkers = Math.max(2, Math.round(home.beds * dice.between(0.9, 1.3)));
  const a = P.absenceRate;
  const absence = clamp(dice.normal(a.healthyMean + a.stressedRise * progress, a.sd), 0, 0.3);
  const g = P.agencyHours;
  const agencyHours = !healthy ? dice.between(50, g.healthyMax) + g.stressedRise * progress : dice.chance(g.healthyNoneChance) ? 0 : dice.between(10, g.healthyMax);
  const updatedOn = dice.date(addDays(monthDay(story, month), -7), addDays(monthDay(story, month), -1));
  const council = councilByGss(home.councilGss)!;
  return [
    registration.locationId,
    '',
    home.name,
    council.cqcName,
    council.region,
    '',
    providerById(story, registration.providerId).name,
    home.beds,
    usedBeds,
    declaredVacancies,
    accepting ? 'Yes' : 'No',
    accepting ? 'Accepting admissions' : 'Not accepting admissions',
    nursing ? nurses : '',
    careWorkers,
    nursing ? dice.int(0, 2) : '',
    dice.int(0, healthy ? 3 : 8),
    nursing ? Math.round(nurses * absence) : '',
    Math.round(careWorkers * absence),
    agencyHours === 0 ? '' : agencyHours.toFixed(1),
    `${updatedOn}T${pad2(dice.int(7, 19))}:${pad2(dice.int(0, 59))}:00Z`,
    personName(dice),
  ];
}

/** One month's export: a row for each home that made a return (month 0 is the first delivery's). */
export function capacityTable(story: Story, month: number): Table {
  return { header: CAPACITY_HEADER, rows: homes(story).flatMap((home) => [capacityRow(story, home, month)].filter((row) => row !== undefined)) };
}

/** Councils placing residents in a home, the host first: a few neighbours of the region place some too. */
export function placingCouncils(story: Story, home: Location): { councilGss: string; residents: number }[] {
  const dice = Dice.forKey(story.seed, `placements:${home.locationId}`);
  const funded = Math.max(1, Math.round(occupancy(story, home, 0).usedBeds * dice.between(0.35, 0.65)));
  const neighbours = councilsInRegion(home.region).filter((c) => c.gss !== home.councilGss);
  const roll = dice.float();
  const national = roleOf(story, home.providerId) === 'national';
  const wanted = Math.min(neighbours.length, roll < P.placers.twoChance ? 2 : roll < P.placers.twoChance + P.placers.oneChance || national ? 1 : 0);
  const placers = Array.from({ length: wanted }, (_, i) => ({ councilGss: neighbours[(dice.int(0, neighbours.length - 1) + i) % neighbours.length]!.gss, residents: dice.int(1, 3) }));
  const unique = placers.filter((p, i) => placers.findIndex((q) => q.councilGss === p.councilGss) === i);
  return [{ councilGss: home.councilGss, residents: Math.max(1, funded - unique.reduce((sum, p) => sum + p.residents, 0)) }, ...unique];
}

export function placementsTable(story: Story): Table {
  const rows = homes(story).flatMap((home) => placingCouncils(story, home).map((p) => [p.councilGss, home.locationId, p.residents]));
  return { header: ['council_gss', 'location_id', 'residents_placed'], rows };
}
