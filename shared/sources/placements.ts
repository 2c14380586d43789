// Which councils place residents in which care homes. Not a signal: the escalation protocol uses it to tell
// the placing councils, not only the host, when a home is at risk.
import * as z from 'zod/mini';
import { CqcId, GssCode, type QuarantineRecord } from '../domain/model.js';
import type { ParseContext } from './batch.js';
import { allPresent, parseCsvRecords, recordIdFrom } from './csv-rows.js';

export const Placement = z.object({
  councilGss: GssCode,
  locationId: CqcId,
  residentsPlaced: z.int().check(z.positive()),
});
export type Placement = z.infer<typeof Placement>;

const COLUMNS = ['council_gss', 'location_id', 'residents_placed'] as const;

export function parsePlacements(text: string, context: ParseContext): { placements: Placement[]; quarantine: QuarantineRecord[] } {
  const { records, quarantine } = parseCsvRecords<Placement>(text, context, {
    source: 'placements',
    columns: COLUMNS,
    recordId: (values) => recordIdFrom(values.council_gss, values.location_id),
    idField: 'location_id',
    read: (fields) => {
      const residentsPlaced = fields.count('residents_placed');
      if (residentsPlaced === 0) fields.add('residents_placed', '0 is not a placement: a row needs at least one resident');
      return allPresent({
        councilGss: fields.council('council_gss'),
        locationId: fields.schema('location_id', CqcId),
        residentsPlaced,
      });
    },
  });
  return { placements: records, quarantine };
}
