// NHS Capacity Tracker, location-level monthly export for care homes. Each file is one month's return window
// (the 8th to the 14th); the month is the snapshot's. `completedby` names a member of staff and is never read.
import { monthOf } from '../domain/dates.js';
import { CqcId, type Signal } from '../domain/model.js';
import { emptyBatch, type SourceParser } from './batch.js';
import { allPresent, parseCsvRecords } from './csv-rows.js';

const COLUMNS = [
  'cqcid',
  'maxcapacity',
  'usedbeds',
  'declaredvacancies',
  'isacceptingadmissions',
  'nursesemployed',
  'careworkersemployed',
  'agencynursesemployed',
  'agencycareworkersemployed',
  'staffabsentpct',
  'agencyhourspct',
  'lastupdatedutc',
] as const;

export const parseCapacityTracker: SourceParser = (text, context) => {
  const period = monthOf(context.snapshotOn);
  const { records, quarantine } = parseCsvRecords<Signal>(text, context, {
    source: 'capacity-tracker',
    columns: COLUMNS,
    recordId: (values) => values.cqcid || null,
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
      // The staffing counts are not kept, but a malformed one is a sign the row is not what it claims.
      for (const column of ['nursesemployed', 'careworkersemployed', 'agencynursesemployed', 'agencycareworkersemployed']) {
        fields.optionalCount(column);
      }
      const values = allPresent({
        cqcid: fields.schema('cqcid', CqcId),
        maxCapacity,
        usedBeds,
        declaredVacancies,
        acceptingAdmissions: fields.yesNo('isacceptingadmissions'),
        staffAbsencePct: fields.percentage('staffabsentpct'),
        agencyHoursPct: fields.percentage('agencyhourspct'),
        describedOn: fields.timestamp('lastupdatedutc'),
      });
      if (!values) return undefined;
      const { cqcid, describedOn, ...facts } = values;
      return {
        source: 'capacity-tracker',
        naturalId: `${cqcid}#${period}`,
        subject: { type: 'location', id: cqcid },
        describedOn,
        receivedOn: context.receivedOn,
        facts: { kind: 'capacity-return', period, ...facts },
      };
    },
  });
  return { ...emptyBatch(), signals: records, quarantine };
};
