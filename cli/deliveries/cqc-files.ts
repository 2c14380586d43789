// CQC's two publications in their own formats: the register extract (the real rows of the chosen services,
// with the ratings and closures of the story so far) and one CQC API location document a service, shaped as
// `GET /locations/{id}` answers (data/examples/cqc-api-location.json). Both carry the registered manager's
// name, as CQC publishes it: here a personal-data marker.
import { stringify } from 'csv-stringify/sync';
import { councilByGss } from '../../shared/domain/councils.js';
import { addDays } from '../../shared/domain/dates.js';
import { isCareHome, type IsoDate, KEY_QUESTIONS, type Location } from '../../shared/domain/model.js';
import { Dice } from '../sample/dice.js';
import { PERSONAL_DATA_MARKER } from '../sample/generate.js';
import { deregisteredOn, managerAbsentSince, type PublishedRating, ratingsBy, REGISTER_QUESTION_COLUMNS } from './cqc-timeline.js';
import { personName, type Story } from './story.js';

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

/** The register extract as published on a delivery's day: every chosen service, its rating and closure as of then. */
export function registerCsv(story: Story, index: number): string {
  const day = story.deliveries[index]!;
  const column = (name: string) => story.registerHeader.indexOf(name);
  const rows = story.locations.map((location) => {
    const row = [...story.registerRows.get(location.locationId)!];
    row[column('Registered manager')] = personName(Dice.forKey(story.seed, `manager-name:${location.locationId}`));
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

/** A report's link id: stable, shaped like CQC's UUIDs. */
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
    : [{ personTitle: 'Ms', personGivenName: personName(Dice.forKey(story.seed, `manager-name:${location.locationId}`)), personFamilyName: `${PERSONAL_DATA_MARKER} Family`, personRoles: ['Registered Manager'] }];
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
    inspectionDirectorate: 'Adult social care',
    ...(absentSince !== undefined ? { registeredManagerAbsentDate: absentSince } : {}),
    ...(current ? { lastInspection: { date: addDays(current.publishedOn, -45) }, lastReport: { publicationDate: current.publishedOn } } : {}),
    relationships: [],
    regulatedActivities: regulatedActivities(story, location, absentSince !== undefined),
    gacServiceTypes: serviceTypes.map((description) => ({ name: SERVICE_TYPE_NAMES[description] ?? description, description })),
    specialisms: registerCell(story, location, 'Service users supported').split(', ').filter(Boolean).map((name) => ({ name })),
    ...(current
      ? {
          currentRatings: {
            overall: { rating: current.overall, reportDate: current.publishedOn, reportLinkId: reportLinkId(location, current), keyQuestionRatings: questionRatings(current, true) },
            reportDate: current.publishedOn,
          },
        }
      : {}),
    historicRatings: ratings
      .slice(0, -1)
      .reverse()
      .map((rating) => ({ reportDate: rating.publishedOn, reportLinkId: reportLinkId(location, rating), overall: { rating: rating.overall, keyQuestionRatings: questionRatings(rating, false) } })),
    reports: [],
  };
}

/** Services the CQC changes endpoint reports on a delivery's day: all at first, then those whose document changed. */
export function changedLocations(story: Story, index: number): Location[] {
  if (index === 0) return story.locations;
  return story.locations.filter(
    (location) => JSON.stringify(cqcApiLocation(story, location, index)) !== JSON.stringify(cqcApiLocation(story, location, index - 1)),
  );
}
