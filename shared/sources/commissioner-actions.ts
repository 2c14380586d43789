// Actions councils take as commissioners (suspensions, embargoes, notices), one row per action, read by column
// name: `location_id` or `provider_id` (exactly one), `council_gss`, `action`, `date`. The earlier export's
// `subject_type` and `subject_id` are still read. `note` is free text and, like `officer_name` and every column
// not named here, is never read; their names alone go to the ingest report.
import { COMMISSIONER_ACTIONS, type CommissionerActionType, CqcId, type Signal, type Subject } from '../domain/model.js';
import { emptyBatch, type SourceParser } from './batch.js';
import { allPresent, ContentIds, type CsvFields, parseCsvRecords, recordIdFrom } from './csv-rows.js';

/** The actions by slug; the format's "contract-lifted" is the model's "contract-reinstated". */
const ACTIONS: ReadonlyMap<string, CommissionerActionType> = new Map([
  ...COMMISSIONER_ACTIONS.map((action): [string, CommissionerActionType] => [action, action]),
  ['contract-lifted', 'contract-reinstated'],
]);
const SUBJECT_TYPES: ReadonlyMap<string, 'location' | 'provider'> = new Map([
  ['location', 'location'],
  ['provider', 'provider'],
]);
const SUBJECT_COLUMNS = [
  ['location', 'location_id'],
  ['provider', 'provider_id'],
] as const;

const COLUMNS = ['council_gss', 'action', 'date'] as const;
const OPTIONAL_COLUMNS = ['action_id', 'location_id', 'provider_id', 'subject_type', 'subject_id'] as const;
const ALIASES = { effective_date: 'date' };

/** The location or provider acted on: exactly one of `location_id` and `provider_id`, or the earlier pair. */
function subjectOf(fields: CsvFields): Subject | undefined {
  if (fields.value('subject_type') || fields.value('subject_id')) {
    const type = fields.oneOf('subject_type', SUBJECT_TYPES);
    const id = fields.schema('subject_id', CqcId);
    return type === undefined || id === undefined ? undefined : { type, id };
  }
  const given = SUBJECT_COLUMNS.filter(([, column]) => fields.value(column));
  const [only] = given;
  if (only === undefined) return fields.add('location_id', 'missing: give location_id or provider_id');
  if (given.length > 1) return fields.add('provider_id', 'given with location_id: give exactly one');
  const id = fields.schema(only[1], CqcId);
  return id === undefined ? undefined : { type: only[0], id };
}

export const parseCommissionerActions: SourceParser = (text, context) => {
  const contentIds = new ContentIds();
  const { records, quarantine, ignoredColumns } = parseCsvRecords<Signal>(text, context, {
    source: 'commissioner-action',
    columns: COLUMNS,
    optionalColumns: OPTIONAL_COLUMNS,
    aliases: ALIASES,
    recordId: (values) => (values.action_id ? recordIdFrom(values.council_gss, values.action_id) : null),
    idField: 'action_id',
    read: (fields) => {
      const values = allPresent({
        councilGss: fields.council('council_gss'),
        subject: subjectOf(fields),
        action: fields.oneOf('action', ACTIONS),
        describedOn: fields.date('date'),
      });
      if (!values) return undefined;
      const { subject, describedOn, ...facts } = values;
      const actionId = fields.value('action_id') || contentIds.next(subject.type, subject.id, facts.action, describedOn);
      return {
        source: 'commissioner-action',
        naturalId: `${facts.councilGss}#${actionId}`,
        subject,
        describedOn,
        receivedOn: context.receivedOn,
        facts: { kind: 'commissioner-action', ...facts },
      };
    },
  });
  return { ...emptyBatch(), signals: records, quarantine, ignoredColumns };
};
