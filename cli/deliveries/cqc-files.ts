// CQC's two publications in their own formats: the register extract (the real rows of the chosen services,
// with the ratings and closures of the story so far) and one CQC API location document a service, shaped as
// `GET /locations/{id}` answers (data/examples/cqc-api-location.json). Both carry the registered manager's
// name, as CQC publishes it: here a personal-data marker. A sold home's two documents name each other under
// `relationships`, as CQC links a change of owner; a closed home's names no successor.
import { stringify } from 'csv-stringify/sync';
import { councilByGss } from '../../shared/domain/councils.js';
import { addDays } from '../../shared/domain/dates.js';
import { isCareHome, type IsoDate, KEY_QUESTIONS, type Location } from '../../shared/domain/model.js';
import { Dice } from '../sample/dice.js';
import { PERSONAL_DATA_MARKER } from '../sample/generate.js';
import { deregisteredOn, managerAbsentSince, type PublishedRating, ratingsBy, REGISTER_QUESTION_COLUMNS } from './cqc-timeline.js';
import { homeOf, personName, registrationsBy, soldHome, type Story } from './story.js';

const QUESTION_NAMES = ['Safe', 'Effective', 'Caring', 'Responsive', 'Well-led'] as const;

/** The API's short names of the register's service types. */
const SERVICE_TYPE_NAMES: Readonly<Record<string, string>> = {
  'Care home service with nursing': 'Nursing homes',
  'Care home service without nursing': 'Residential homes',
  'Domiciliary care service': 'Homecare agencies',
  'Supported living service': 'Supported living',
};

const registerCell = (story: Story, location: Location, column: string): string =>
  story.registerRows.get(location.locationId)![story.registerHeader.indexOf(column)]!.trim();

/** The registered manager: the home's, whichever provider it is registered under. */
const managerName = (story: Story, location: Location): string => personName(Dice.forKey(story.seed, `manager-name:${homeOf(story, location).locationId}`));

/** The register extract as published on a delivery's day: every chosen service (and the buyer's), its rating and closure as of then. */
export function registerCsv(story: Story, index: number): string {
  const day = story.deliveries[index]!;
  const column = (name: string) => story.registerHeader.indexOf(name);
  const rows = registrationsBy(story, index).map((location) => {
    const row = [...story.registerRows.get(location.locationId)!];
    row[column('Registered manager')] = managerName(story, location);
    const current = ratingsBy(story, location, day).at(-1);
    if (current) {
      row[column('Location Latest Overall Rating')] = current.overall;
      KEY_QUESTIONS.forEach((question, i) => (row[column(REGISTER_QUESTION_COLUMNS[i]!)] = current.questions[question] ?? ''));
    }
    const closed = deregisteredOn(story, location);
    if (closed !== undefined && closed <= day) row[column('Location HSCA end date')] = closed;
    return row;
  });
  return stringify([story.registerHeader, ...rows], { quoted: true, quoted_empty: true });
}

/** A report's link id: stable, shaped like CQC's UUIDs; a successor's inherited report keeps its link. */
const reportLinkId = (location: Location, rating: PublishedRating): string =>
  `${location.locationId.replace(/\D/g, '').padStart(8, '0').slice(-8)}-${rating.publishedOn.slice(0, 4)}-${rating.publishedOn.slice(5, 7)}${rating.publishedOn.slice(8)}-8000-000000000000`;

const questionRatings = (rating: PublishedRating, dated: boolean) =>
  KEY_QUESTIONS.flatMap((question, i) => {
    const value = rating.questions[question];
    return value === null ? [] : [{ name: QUESTION_NAMES[i], rating: value, ...(dated ? { reportDate: rating.publishedOn } : {}) }];
  });

function regulatedActivities(story: Story, location: Location, managerAbsent: boolean) {
  const contacts = managerAbsent
    ? []
    : [{ personTitle: 'Ms', personGivenName: managerName(story, location), personFamilyName: `${PERSONAL_DATA_MARKER} Family`, personRoles: ['Registered Manager'] }];
  const activities = isCareHome(location)
    ? [{ name: 'Accommodation for persons who require nursing or personal care', code: 'RA2' }]
    : [{ name: 'Personal care', code: 'RA1' }];
  if (location.serviceKind === 'nursing-home') activities.push({ name: 'Treatment of disease, disorder or injury', code: 'RA5' });
  return activities.map((activity) => ({ ...activity, contacts }));
}

/** The API's location document on a delivery's day. */
export function cqcApiLocation(story: Story, location: Location, index: number): Record<string, unknown> {
  const day: IsoDate = story.deliveries[index]!;
  const ratings = ratingsBy(story, location, day);
  const current = ratings.at(-1);
  const absentSince = managerAbsentSince(story, location, index);
  const closed = deregisteredOn(story, location);
  const deregistered = closed !== undefined && closed <= day;
  const council = councilByGss(location.councilGss)!;
  const serviceTypes = registerCell(story, location, 'Service Types').split(', ').filter(Boolean);
  const sold = soldHome(story, location);
  const home = homeOf(story, location);
  const link = (related: Location, type: string) => ({ relatedLocationId: related.locationId, relatedLocationName: related.name, type, reason: 'Change of ownership' });
  // A sold home's documents name each other: the buyer's from its start, the seller's once deregistered.
  const relationships = sold === undefined ? [] : location === sold.to ? [link(sold.from, 'HSCA Predecessor')] : deregistered ? [link(sold.to, 'HSCA Successor')] : [];
  // The buyer carries the seller's rating until it is inspected, and says whose it is.
  const inherited = sold !== undefined && location === sold.to && current !== undefined && current.publishedOn < story.sale!.on;
  return {
    locationId: location.locationId,
    providerId: location.providerId,
    organisationType: 'Location',
    type: 'Social Care Org',
    name: location.name,
    registrationStatus: deregistered ? 'Deregistered' : 'Registered',
    registrationDate: location.registeredOn,
    ...(deregistered ? { deregistrationDate: closed } : {}),
    ...(isCareHome(location) ? { numberOfBeds: location.beds } : {}),
    careHome: isCareHome(location) ? 'Y' : 'N',
    dormancy: registerCell(story, location, 'Dormant') === 'Y' ? 'Y' : 'N',
    localAuthority: registerCell(story, location, 'Location Local Authority'),
    region: council.region,
    postalCode: location.postcode,
    uprn: location.uprn,
    inspectionDirectorate: 'Adult social care',
    ...(absentSince !== undefined ? { registeredManagerAbsentDate: absentSince } : {}),
    ...(current ? { lastInspection: { date: addDays(current.publishedOn, -45) }, lastReport: { publicationDate: current.publishedOn } } : {}),
    relationships,
    regulatedActivities: regulatedActivities(story, location, absentSince !== undefined),
    gacServiceTypes: serviceTypes.map((description) => ({ name: SERVICE_TYPE_NAMES[description] ?? description, description })),
    specialisms: registerCell(story, location, 'Service users supported').split(', ').filter(Boolean).map((name) => ({ name })),
    ...(current
      ? {
          currentRatings: {
            overall: {
              ...(inherited ? { organisationId: home.locationId } : {}),
              rating: current.overall,
              reportDate: current.publishedOn,
              reportLinkId: reportLinkId(home, current),
              keyQuestionRatings: questionRatings(current, true),
            },
            reportDate: current.publishedOn,
          },
        }
      : {}),
    historicRatings: ratings
      .slice(0, -1)
      .reverse()
      .map((rating) => ({ reportDate: rating.publishedOn, reportLinkId: reportLinkId(home, rating), overall: { rating: rating.overall, keyQuestionRatings: questionRatings(rating, false) } })),
    reports: [],
  };
}

/** Services the CQC changes endpoint reports on a delivery's day: all at first, then new ones and those whose document changed. */
export function changedLocations(story: Story, index: number): Location[] {
  if (index === 0) return story.locations;
  const before = new Set(registrationsBy(story, index - 1));
  return registrationsBy(story, index).filter(
    (location) => !before.has(location) || JSON.stringify(cqcApiLocation(story, location, index)) !== JSON.stringify(cqcApiLocation(story, location, index - 1)),
  );
}
