// NHS Capacity Tracker, location-level monthly export for care homes, read by its documented field names in
// any order. Only the home, the bed counts and the time of the update are required; the return's month is the
// month it was last updated. `completedby` names a member of staff and, like every column not named here
// (the home's name, its organisation), is never read.
import { monthOf } from '../domain/dates.js';
import { CqcId, type Signal } from '../domain/model.js';
import { emptyBatch, type SourceParser } from './batch.js';
import { allPresent, type CsvFields, parseCsvRecords, recordIdFrom, utcDateOf } from './csv-rows.js';

const COLUMNS = ['cqcid', 'maxcapacity', 'usedbeds', 'declaredvacancies', 'lastupdatedutc'] as const;

/** Staff groups whose absence the return counts: a rate needs both the employed and the absent of a group. */
const STAFF_GROUPS = [
  { employed: 'nursesemployed', absent: 'nursesabsentgeneral' },
  { employed: 'careworkersemployed', absent: 'careworkersabsentgeneral' },
] as const;

const OPTIONAL_COLUMNS = [
  'isacceptingadmissions',
  ...STAFF_GROUPS.flatMap((group) => [group.employed, group.absent]),
  'agencynursesemployed',
  'agencycareworkersemployed',
  'hoursagency',
  // The percentages the sample generator writes, kept so its files still read.
  'staffabsentpct',
  'agencyhourspct',
] as const;

/** Staff absence as a share of the staff employed, over the groups the return gives both counts for. */
function staffAbsencePct(fields: CsvFields): number | null | undefined {
  let employed = 0;
  let absent = 0;
  for (const group of STAFF_GROUPS) {
    const employedCount = fields.optionalCount(group.employed);
    const absentCount = fields.optionalCount(group.absent);
    if (typeof employedCount !== 'number' || typeof absentCount !== 'number') continue;
    if (absentCount > employedCount) fields.add(group.absent, `${absentCount} is more than ${group.employed} ${employedCount}`);
    employed += employedCount;
    absent += absentCount;
  }
  const given = fields.percentage('staffabsentpct');
  if (given !== null) return given;
  return employed > 0 ? Math.round((1000 * absent) / employed) / 10 : null;
}

export const parseCapacityTracker: SourceParser = (text, context) => {
  const { records, quarantine } = parseCsvRecords<Signal>(text, context, {
    source: 'capacity-tracker',
    columns: COLUMNS,
    optionalColumns: OPTIONAL_COLUMNS,
    // A return is a home's month: one file may carry several months of the same home.
    recordId: (values) => {
      const updatedOn = utcDateOf(values.lastupdatedutc ?? '');
      return recordIdFrom(values.cqcid, updatedOn && monthOf(updatedOn));
    },
    idField: 'cqcid',
    read: (fields) => {
      const maxCapacity = fields.count('maxcapacity');
      const usedBeds = fields.count('usedbeds');
      const declaredVacancies = fields.count('declaredvacancies');
      if (maxCapacity !== undefined && usedBeds !== undefined) {
        if (usedBeds > maxCapacity) {
          fields.add('usedbeds', `${usedBeds} is more than maxcapacity ${maxCapacity}`);
        } else if (declaredVacancies !== undefined && usedBeds + declaredVacancies > maxCapacity) {
          fields.add('declaredvacancies', `${declaredVacancies} with ${usedBeds} used beds is more than maxcapacity ${maxCapacity}`);
        }
      }
      // The agency counts are not kept, but a malformed one is a sign the row is not what it claims.
      for (const column of ['agencynursesemployed', 'agencycareworkersemployed']) fields.optionalCount(column);
      const values = allPresent({
        cqcid: fields.schema('cqcid', CqcId),
        maxCapacity,
        usedBeds,
        declaredVacancies,
        acceptingAdmissions: fields.value('isacceptingadmissions') ? fields.yesNo('isacceptingadmissions') : null,
        staffAbsencePct: staffAbsencePct(fields),
        agencyHoursPct: fields.percentage('agencyhourspct'),
        agencyHours: fields.optionalAmount('hoursagency'),
        describedOn: fields.timestamp('lastupdatedutc'),
      });
      if (!values) return undefined;
      const { cqcid, describedOn, agencyHours, ...facts } = values;
      const period = monthOf(describedOn);
      return {
        source: 'capacity-tracker',
        naturalId: `${cqcid}#${period}`,
        subject: { type: 'location', id: cqcid },
        describedOn,
        receivedOn: context.receivedOn,
        facts: { kind: 'capacity-return', period, ...facts, ...(agencyHours !== null && { agencyHours }) },
      };
    },
  });
  return { ...emptyBatch(), signals: records, quarantine };
};
