// The councils' own returns in their documented formats (data/examples/safeguarding.csv and
// commissioner-actions.csv): safeguarding concerns received in the month (a year's at the first delivery) and
// the commissioning actions councils took. The adult's name, date of birth, NHS number, free text and an
// action's note are personal data, so each holds a marker. What happens at a sold home after the sale is about its
// new registration; nothing happens at a closed home after it closes.
import { type IsoDate, isCareHome, type Location } from '../../shared/domain/model.js';
import { addDays } from '../../shared/domain/dates.js';
import { Dice } from '../sample/dice.js';
import { PERSONAL_DATA_MARKER } from '../sample/generate.js';
import { administrationOn, dayBefore, deliveryAt, personName, registrationOn, roleOf, STORY, type Story, windowOf } from './story.js';
import { placingCouncils, type Table } from './tracker-files.js';

/**
 * Concerns a year per service by kind and the chance of a s.42 enquiry: assumptions, as in the sample
 * generator; a provider in trouble draws concerns of neglect and organisational abuse more often.
 */
const CONCERNS = {
  perYear: { 'nursing-home': 0.5, 'residential-home': 0.4, 'home-care': 0.3, 'community-other': 0.15 },
  section42Chance: { healthy: 0.3, troubled: 0.6 },
  hostReportsChance: 0.85,
  liftedEmbargoChance: 0.03,
};

/** The Care Act types as councils' systems spell them, in words or as slugs. */
const USUAL_TYPES = {
  'Neglect and acts of omission': 32,
  'Physical abuse': 20,
  'Psychological abuse': 12,
  'financial-or-material': 12,
  'Organisational abuse': 7,
  'Self-neglect': 6,
  'Domestic abuse': 5,
  'Sexual abuse': 4,
  'Discriminatory abuse': 1,
  'Modern slavery': 1,
};
const TROUBLE_TYPES = { 'Neglect and acts of omission': 55, 'Organisational abuse': 35, 'Physical abuse': 10 };
const OUTCOMES = ['Risk reduced', 'Risk removed', 'Risk remains', ''];

const SAFEGUARDING_HEADER = [
  'reporting_council_gss', 'location_id', 'concern_date', 'abuse_type', 'section_42_enquiry', 'outcome', 'adult_name',
  'date_of_birth', 'nhs_number', 'free_text',
] as const;

/** How many concerns a service of a provider in trouble gets in a delivery's month, once its trouble shows. */
function troubleConcerns(story: Story, location: Location, index: number, dice: Dice): number {
  const role = roleOf(story, location.providerId);
  if (role === 'slide' && index >= deliveryAt(story, STORY.slide.concernsFrom)) return dice.int(1, 2);
  if (role === 'national' && index >= deliveryAt(story, STORY.national.concernsFrom)) return dice.chance(0.5) ? 1 : 0;
  return 0;
}

function concernRows(story: Story, location: Location, index: number): (string | number)[][] {
  const dice = Dice.forKey(story.seed, `concerns:${location.locationId}:${index}`);
  const { from, to } = windowOf(story, index);
  const months = index === 0 ? 12 : 1;
  const placers = isCareHome(location) && location.beds > 0 ? placingCouncils(story, location).slice(1) : [];
  const concern = (types: Readonly<Record<string, number>>, s42Chance: number) => {
    const reporting = placers.length > 0 && !dice.chance(CONCERNS.hostReportsChance) ? dice.pick(placers).councilGss : location.councilGss;
    return [
      reporting,
      location.locationId,
      dice.date(from, to),
      dice.weighted(types),
      dice.chance(s42Chance) ? 'Yes' : 'No',
      dice.pick(OUTCOMES),
      personName(dice),
      `${PERSONAL_DATA_MARKER} ${dice.date('1925-01-01', '1960-12-31')}`,
      `${PERSONAL_DATA_MARKER} 943${dice.int(1000000, 9999999)}`,
      `${PERSONAL_DATA_MARKER} call from a relative, "bruising" noted`,
    ];
  };
  const rows = [];
  for (let m = 0; m < months; m++) {
    if (dice.chance(CONCERNS.perYear[location.serviceKind] / 12)) rows.push(concern(USUAL_TYPES, CONCERNS.section42Chance.healthy));
  }
  for (let n = troubleConcerns(story, location, index, dice); n > 0; n--) rows.push(concern(TROUBLE_TYPES, CONCERNS.section42Chance.troubled));
  return rows.flatMap((row) => {
    const registration = registrationOn(story, location, String(row[2]));
    return registration ? [[row[0]!, registration.locationId, ...row.slice(2)]] : [];
  });
}

/** The concerns councils received in a delivery's window, oldest first. */
export function safeguardingTable(story: Story, index: number): Table {
  const rows = story.locations.flatMap((location) => concernRows(story, location, index));
  rows.sort((a, b) => String(a[2]).localeCompare(String(b[2])) || String(a[1]).localeCompare(String(b[1])));
  return { header: SAFEGUARDING_HEADER, rows };
}

interface Action {
  date: IsoDate;
  locationId: string;
  providerId: string;
  councilGss: string;
  action: string;
}

/** The services of a provider, care homes first: the ones its councils act on. */
const servicesOf = (story: Story, providerId: string): Location[] => {
  const services = story.byProvider.get(providerId)!;
  return [...services.filter(isCareHome), ...services.filter((l) => !isCareHome(l))];
};

/** The council hosting most of a provider's services (the lowest code on a tie). */
function mainCouncil(services: readonly Location[]): string {
  const counts = new Map<string, number>();
  for (const { councilGss } of services) counts.set(councilGss, (counts.get(councilGss) ?? 0) + 1);
  return [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]![0];
}

function storyActions(story: Story, providerId: string): Action[] {
  const role = roleOf(story, providerId);
  const services = servicesOf(story, providerId);
  const dice = Dice.forKey(story.seed, `actions:${providerId}`);
  const at = (location: Location, action: string, index: number): Action => ({
    date: dayBefore(story, index, dice),
    locationId: location.locationId,
    providerId: '',
    councilGss: location.councilGss,
    action,
  });
  const administration = administrationOn(story, providerId);
  if (role === 'national') {
    const failed = deliveryAt(story, STORY.national.administration);
    return [
      at(services[0]!, 'placement-embargo', deliveryAt(story, STORY.national.embargo)),
      ...services.slice(0, 2).map((service) => at(service, 'contract-suspended', failed)),
      { date: addDays(administration!, dice.int(1, 2)), locationId: '', providerId, councilGss: mainCouncil(services), action: 's56-notice' },
    ];
  }
  if (role === 'slide') return [at(services[0]!, 'placement-embargo', deliveryAt(story, STORY.slide.embargo))];
  if (role === 'administration') return [{ date: addDays(administration!, 1), locationId: '', providerId, councilGss: mainCouncil(services), action: 'default-notice' }];
  // Noise: an embargo some home's council lifts again a month or two later.
  const home = services[0]!;
  if (!isCareHome(home) || !dice.chance(CONCERNS.liftedEmbargoChance)) return [];
  const imposed = dice.int(0, story.deliveries.length - 1);
  const lifted = imposed + dice.int(1, 2);
  return [at(home, 'placement-embargo', imposed), ...(lifted < story.deliveries.length ? [at(home, 'placement-embargo-lifted', lifted)] : [])];
}

const COMMISSIONER_HEADER = ['location_id', 'provider_id', 'council_gss', 'action', 'date', 'note'] as const;

/** The actions councils took in a delivery's window, oldest first. */
export function commissionerTable(story: Story, index: number): Table {
  const { from, to } = windowOf(story, index);
  const rows = story.providers
    .flatMap((provider) => storyActions(story, provider.providerId))
    .filter((action) => action.date >= from && action.date <= to)
    .flatMap((action) => {
      if (action.locationId === '') return [action];
      const registration = registrationOn(story, story.locations.find((l) => l.locationId === action.locationId)!, action.date);
      return registration ? [{ ...action, locationId: registration.locationId }] : [];
    })
    .sort((a, b) => a.date.localeCompare(b.date) || (a.locationId + a.providerId).localeCompare(b.locationId + b.providerId))
    .map((a, i) => [a.locationId, a.providerId, a.councilGss, a.action, a.date, i % 2 === 0 ? `${PERSONAL_DATA_MARKER} agreed with the home manager` : '']);
  return { header: COMMISSIONER_HEADER, rows };
}
