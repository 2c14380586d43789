// Council safeguarding concerns about regulated services. The adult's name, date of birth and the free-text
// notes are never read: a concern is kept as where, when, what type and whether a s42 enquiry followed.
import { ABUSE_TYPES, CqcId, type Signal } from '../domain/model.js';
import { emptyBatch, type SourceParser } from './batch.js';
import { allPresent, parseCsvRecords, recordIdFrom } from './csv-rows.js';

type AbuseType = (typeof ABUSE_TYPES)[number];

/**
 * The Care Act's ten types by slug, by the statutory guidance's names ("Financial or material abuse",
 * "Neglect and acts of omission") and by the older names some councils' systems still export.
 */
const ABUSE_TYPE_SPELLINGS: ReadonlyMap<string, AbuseType> = new Map<string, AbuseType>([
  ...ABUSE_TYPES.map((type): [string, AbuseType] => [type, type]),
  ...ABUSE_TYPES.map((type): [string, AbuseType] => [`${type}-abuse`, type]),
  ['domestic-violence', 'domestic'],
  ['institutional-abuse', 'organisational'],
  ['neglect', 'neglect-and-acts-of-omission'],
]);

const COLUMNS = ['concern_id', 'reporting_council_gss', 'location_id', 'date_received', 'abuse_type', 'section42_enquiry'] as const;

export const parseSafeguardingReturn: SourceParser = (text, context) => {
  const { records, quarantine } = parseCsvRecords<Signal>(text, context, {
    source: 'safeguarding-return',
    columns: COLUMNS,
    recordId: (values) => recordIdFrom(values.reporting_council_gss, values.concern_id),
    idField: 'concern_id',
    read: (fields) => {
      const values = allPresent({
        concernId: fields.text('concern_id'),
        reportingCouncilGss: fields.council('reporting_council_gss'),
        locationId: fields.schema('location_id', CqcId),
        describedOn: fields.date('date_received'),
        abuseType: fields.oneOf('abuse_type', ABUSE_TYPE_SPELLINGS),
        section42Enquiry: fields.yesNo('section42_enquiry'),
      });
      if (!values) return undefined;
      const { concernId, locationId, describedOn, ...facts } = values;
      return {
        source: 'safeguarding-return',
        naturalId: `${facts.reportingCouncilGss}#${concernId}`,
        subject: { type: 'location', id: locationId },
        describedOn,
        receivedOn: context.receivedOn,
        facts: { kind: 'safeguarding-concern', ...facts },
      };
    },
  });
  return { ...emptyBatch(), signals: records, quarantine };
};
