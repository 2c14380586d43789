// What CQC publishes about each chosen service over the deliveries: its ratings (the register's latest, an
// earlier one for older services, re-inspections in the window), since when its registered manager has been
// absent, and its deregistration. The register extract and the CQC API files both read these, so they agree.
// A sold home's reports are split at the sale: the buyer's registration carries the rating in force then (as CQC
// does since April 2019) and any report after it; its manager is the home's.
import { addDays, addMonths } from '../../shared/domain/dates.js';
import { isCareHome, type IsoDate, KEY_QUESTIONS, type KeyQuestion, type Location, type Rating } from '../../shared/domain/model.js';
import { ratingFromText } from '../../shared/sources/cqc-terms.js';
import { Dice } from '../sample/dice.js';
import { dayBefore, deliveryAt, homeOf, roleOf, soldHome, STORY, type Story } from './story.js';

export interface PublishedRating {
  publishedOn: IsoDate;
  overall: Rating;
  questions: Record<KeyQuestion, Rating | null>;
}

/** The register's key question columns, in KEY_QUESTIONS order. */
export const REGISTER_QUESTION_COLUMNS = [
  'Location safe rating',
  'Location effective rating',
  'Location caring rating',
  'Location responsive rating',
  'Location well-led rating',
] as const;

/** Assumptions: how often a service is re-inspected within the deliveries, and how ratings move. */
const NOISE = { reinspectionChance: 0.08, managerGapChance: 0.05, managerGapMonths: { min: 2, max: 6 } };
const NEXT_RATING: Readonly<Record<Rating, Partial<Record<Rating, number>>>> = {
  Outstanding: { Outstanding: 70, Good: 30 },
  Good: { Good: 78, 'Requires improvement': 22 },
  'Requires improvement': { Good: 55, 'Requires improvement': 45 },
  Inadequate: { 'Requires improvement': 80, Inadequate: 20 },
};

const allQuestions = (rating: Rating): Record<KeyQuestion, Rating | null> =>
  Object.fromEntries(KEY_QUESTIONS.map((question) => [question, rating])) as Record<KeyQuestion, Rating | null>;

const INADEQUATE: Omit<PublishedRating, 'publishedOn'> = {
  overall: 'Inadequate',
  questions: { safe: 'Inadequate', effective: 'Requires improvement', caring: 'Good', responsive: 'Requires improvement', wellLed: 'Inadequate' },
};

/** The register's latest rating of a service, dated as an inspection report before the first delivery would be. */
const registerCell = (story: Story, location: Location, column: string): Rating | null =>
  ratingFromText(story.registerRows.get(location.locationId)![story.registerHeader.indexOf(column)] ?? '') ?? null;

function registerRating(story: Story, location: Location, dice: Dice): PublishedRating | undefined {
  const cell = (column: string) => registerCell(story, location, column);
  const overall = cell('Location Latest Overall Rating');
  if (overall === null) return undefined;
  const first = story.deliveries[0]!;
  const latest = addDays(first, -20);
  const earliest = [addMonths(location.registeredOn, 6), addMonths(first, -40)].sort().at(-1)!;
  const publishedOn = earliest < latest ? dice.date(earliest, latest) : dice.date(addDays(location.registeredOn, 1), addDays(first, -1));
  const questions = Object.fromEntries(KEY_QUESTIONS.map((q, i) => [q, cell(REGISTER_QUESTION_COLUMNS[i]!)])) as Record<KeyQuestion, Rating | null>;
  return { publishedOn, overall, questions };
}

/** Every rating a service has had by the last delivery, oldest first. */
export function ratingsOf(story: Story, location: Location): PublishedRating[] {
  const sold = soldHome(story, location);
  if (!sold) return homeRatings(story, location);
  const ratings = homeRatings(story, sold.from);
  const before = ratings.filter((rating) => rating.publishedOn < story.sale!.on);
  return location === sold.from ? before : [...before.slice(-1), ...ratings.filter((rating) => rating.publishedOn >= story.sale!.on)];
}

function homeRatings(story: Story, location: Location): PublishedRating[] {
  const dice = Dice.forKey(story.seed, `ratings:${location.locationId}`);
  const latest = registerRating(story, location, dice);
  const ratings: PublishedRating[] = [];
  // A service rated over two and a half years after it opened has an earlier report too.
  if (latest && location.registeredOn < addMonths(latest.publishedOn, -30)) {
    const overall = dice.weighted(NEXT_RATING[latest.overall]);
    const earliest = [addMonths(location.registeredOn, 6), addMonths(latest.publishedOn, -48)].sort().at(-1)!;
    ratings.push({ publishedOn: dice.date(earliest, addMonths(latest.publishedOn, -24)), overall, questions: allQuestions(overall) });
  }
  if (latest) ratings.push(latest);
  const inWindow = storyRating(story, location) ?? (dice.chance(NOISE.reinspectionChance) ? reinspection(story, latest, dice) : undefined);
  if (inWindow) ratings.push(inWindow);
  return ratings;
}

function reinspection(story: Story, latest: PublishedRating | undefined, dice: Dice): PublishedRating | undefined {
  if (story.deliveries.length < 2) return undefined;
  const overall = latest ? dice.weighted(NEXT_RATING[latest.overall]) : dice.weighted<Rating>({ Good: 80, 'Requires improvement': 20 });
  return { publishedOn: dayBefore(story, dice.int(1, story.deliveries.length - 1), dice), overall, questions: allQuestions(overall) };
}

/** The services of a provider in trouble that the story re-inspects: care homes first, in id order. */
function storyServices(story: Story, location: Location): Location[] {
  const services = story.byProvider.get(location.providerId)!;
  return [...services.filter(isCareHome), ...services.filter((l) => !isCareHome(l))];
}

function storyRating(story: Story, location: Location): PublishedRating | undefined {
  const role = roleOf(story, location.providerId);
  const dice = Dice.forKey(story.seed, `story-rating:${location.locationId}`);
  const position = storyServices(story, location).indexOf(location);
  if (role === 'national' && position < 2) return { ...INADEQUATE, publishedOn: dayBefore(story, deliveryAt(story, STORY.national.inadequate), dice) };
  if (role === 'national' && position < 4) {
    const questions = { ...allQuestions('Requires improvement'), caring: 'Good' as const };
    return { overall: 'Requires improvement', questions, publishedOn: dayBefore(story, deliveryAt(story, STORY.national.requiresImprovement), dice) };
  }
  const downgraded =
    role === 'downgrade' && story.byProvider.get(location.providerId)!.find((l) => registerCell(story, l, 'Location Latest Overall Rating') === 'Good') === location;
  return downgraded ? { ...INADEQUATE, publishedOn: dayBefore(story, deliveryAt(story, STORY.downgrade.inadequate), dice) } : undefined;
}

/** The ratings published by a day: the current one last. */
export const ratingsBy = (story: Story, location: Location, day: IsoDate): PublishedRating[] =>
  ratingsOf(story, location).filter((rating) => rating.publishedOn <= day);

/** Since when the registered manager has been absent on a delivery's day, if they are. */
export function managerAbsentSince(story: Story, registration: Location, index: number): IsoDate | undefined {
  const location = homeOf(story, registration);
  const dice = Dice.forKey(story.seed, `manager:${location.locationId}`);
  const role = roleOf(story, location.providerId);
  const last = story.deliveries.length - 1;
  let gap: { from: number; to: number } | undefined;
  if (role === 'national' && storyServices(story, location).indexOf(location) < 3) gap = { from: deliveryAt(story, STORY.national.managerGone), to: last };
  else if (role === 'slide' && dice.chance(0.5)) gap = { from: deliveryAt(story, STORY.slide.concernsFrom), to: last };
  else if (dice.chance(NOISE.managerGapChance)) {
    const from = dice.int(0, last);
    gap = { from, to: from + dice.int(NOISE.managerGapMonths.min, NOISE.managerGapMonths.max) };
  }
  if (!gap || index < gap.from || index > gap.to) return undefined;
  // The manager left some weeks before the delivery that first reports it; the first delivery's gaps began earlier.
  return gap.from === 0 ? addMonths(story.deliveries[0]!, -dice.int(1, 8)) : addDays(dayBefore(story, gap.from, dice), -dice.int(0, 20));
}

/**
 * The sold homes' registrations under the seller end on the sale day and the closing home's on its day; the
 * failing provider closes one of its services in the last month, once the story is long enough to.
 */
export function deregisteredOn(story: Story, location: Location): IsoDate | undefined {
  if (story.sale?.homes.some((home) => home.from === location)) return story.sale.on;
  if (story.closure?.location === location) return story.closure.on;
  const last = story.deliveries.length - 1;
  if (last < 5 || roleOf(story, location.providerId) !== 'national') return undefined;
  const services = storyServices(story, location);
  if (services.at(-1) !== location || services.length < 3) return undefined;
  return dayBefore(story, last, Dice.forKey(story.seed, `closure:${location.locationId}`));
}
