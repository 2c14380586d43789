// Council safeguarding concerns about regulated services, read by column name: where (`location_id`), when
// (`concern_date`), what type (`abuse_type`) and whether a section 42 enquiry followed, with the reporting
// council where the return names it. The adult's name, date of birth, NHS number and any free text, like every
// column not named here, are never read; their names alone go to the ingest report.
import { ABUSE_TYPES, CqcId, type Signal } from '../domain/model.js';
import { emptyBatch, type SourceParser } from './batch.js';
import { allPresent, ContentIds, parseCsvRecords, recordIdFrom } from './csv-rows.js';

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

const COLUMNS = ['location_id', 'concern_date', 'abuse_type', 'section_42_enquiry'] as const;
const OPTIONAL_COLUMNS = ['concern_id', 'reporting_council_gss'] as const;
/** The spellings of the earlier export, still read. */
const ALIASES = { date_received: 'concern_date', section42_enquiry: 'section_42_enquiry', council_gss: 'reporting_council_gss' };

export const parseSafeguardingReturn: SourceParser = (text, context) => {
  const contentIds = new ContentIds();
  const { records, quarantine, ignoredColumns } = parseCsvRecords<Signal>(text, context, {
    source: 'safeguarding-return',
    columns: COLUMNS,
    optionalColumns: OPTIONAL_COLUMNS,
    aliases: ALIASES,
    // A council's concern ids are its own: the same id from two councils is two concerns.
    recordId: (values) => (values.concern_id ? recordIdFrom(values.reporting_council_gss || values.location_id, values.concern_id) : null),
    idField: 'concern_id',
    read: (fields) => {
      const values = allPresent({
        reportingCouncilGss: fields.value('reporting_council_gss') ? fields.council('reporting_council_gss') : null,
        locationId: fields.schema('location_id', CqcId),
        describedOn: fields.date('concern_date'),
        abuseType: fields.oneOf('abuse_type', ABUSE_TYPE_SPELLINGS),
        section42Enquiry: fields.yesNo('section_42_enquiry'),
      });
      if (!values) return undefined;
      const { locationId, describedOn, ...facts } = values;
      const concernId =
        fields.value('concern_id') ||
        contentIds.next(locationId, describedOn, facts.abuseType, String(facts.section42Enquiry), facts.reportingCouncilGss ?? '');
      return {
        source: 'safeguarding-return',
        naturalId: `${facts.reportingCouncilGss ?? locationId}#${concernId}`,
        subject: { type: 'location', id: locationId },
        describedOn,
        receivedOn: context.receivedOn,
        facts: { kind: 'safeguarding-concern', ...facts },
      };
    },
  });
  return { ...emptyBatch(), signals: records, quarantine, ignoredColumns };
};
