// Actions councils take as commissioners (suspensions, embargoes, notices), one row per action.
// `officer_name` names a member of staff and is never read.
import { COMMISSIONER_ACTIONS, type CommissionerActionType, CqcId, type Signal } from '../domain/model.js';
import { emptyBatch, type SourceParser } from './batch.js';
import { allPresent, parseCsvRecords, recordIdFrom } from './csv-rows.js';

const ACTIONS: ReadonlyMap<string, CommissionerActionType> = new Map(COMMISSIONER_ACTIONS.map((action) => [action, action]));
const SUBJECT_TYPES: ReadonlyMap<string, 'location' | 'provider'> = new Map([
  ['location', 'location'],
  ['provider', 'provider'],
]);

const COLUMNS = ['action_id', 'council_gss', 'subject_type', 'subject_id', 'action', 'effective_date'] as const;

export const parseCommissionerActions: SourceParser = (text, context) => {
  const { records, quarantine } = parseCsvRecords<Signal>(text, context, {
    source: 'commissioner-action',
    columns: COLUMNS,
    recordId: (values) => recordIdFrom(values.council_gss, values.action_id),
    idField: 'action_id',
    read: (fields) => {
      const values = allPresent({
        actionId: fields.text('action_id'),
        councilGss: fields.council('council_gss'),
        subjectType: fields.oneOf('subject_type', SUBJECT_TYPES),
        subjectId: fields.schema('subject_id', CqcId),
        action: fields.oneOf('action', ACTIONS),
        describedOn: fields.date('effective_date'),
      });
      if (!values) return undefined;
      const { actionId, subjectType, subjectId, describedOn, ...facts } = values;
      return {
        source: 'commissioner-action',
        naturalId: `${facts.councilGss}#${actionId}`,
        subject: { type: subjectType, id: subjectId },
        describedOn,
        receivedOn: context.receivedOn,
        facts: { kind: 'commissioner-action', ...facts },
      };
    },
  });
  return { ...emptyBatch(), signals: records, quarantine };
};
