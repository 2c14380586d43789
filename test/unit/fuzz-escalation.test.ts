// Fuzzing the way from source files to escalation messages: register rows with hostile names and closures,
// safeguarding returns, commissioner actions and placements carrying personal data in the columns never read,
// read, scored and escalated under the current model and protocol. Every message must parse strictly, and no
// personal data may reach any message.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import { computeBaseline } from '../../shared/domain/baseline.js';
import { groupBy } from '../../shared/domain/collections.js';
import { COUNCILS } from '../../shared/domain/councils.js';
import { decideEscalation } from '../../shared/domain/escalation.js';
import { EscalationMessage } from '../../shared/domain/escalation-message.js';
import { marketContextOf } from '../../shared/domain/market-context.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { riskModel } from '../../shared/domain/risk-model.js';
import { scoreMarket } from '../../shared/domain/score-market.js';
import type { ParseContext } from '../../shared/sources/batch.js';
import { parseCommissionerActions } from '../../shared/sources/commissioner-actions.js';
import { parseCqcRegister } from '../../shared/sources/cqc-register.js';
import { parsePlacements } from '../../shared/sources/placements.js';
import { parseSafeguardingReturn } from '../../shared/sources/safeguarding.js';
import { cellText, personalText } from '../support/fuzzing.js';

const AS_OF = '2025-10-15';
const context: ParseContext = { origin: 'fuzz/2025-10-15/file.csv', receivedOn: AS_OF, snapshotOn: AS_OF };
const MODEL = riskModel();

const [REGISTER_HEADER = [], ...REGISTER_ROWS] = parse(readFileSync(new URL('../../data/cqc/locations-sample.csv', import.meta.url), 'utf8'), {
  bom: true,
  to_line: 13,
}) as string[][];
const column = (name: string): number => REGISTER_HEADER.indexOf(name);

interface Home {
  row: number;
  name: string;
  closedOn: string | null;
  concerns: { enquiry: boolean; abuseType: string }[];
  suspended: boolean;
  placingCouncil: number | null;
}

/** A name a register might carry: hostile text within the 300 characters a name may have. */
const nameArb = fc.oneof(cellText.filter((text) => text.trim() !== '' && text.length <= 300), fc.constantFrom('<script>alert(1)</script>', '=HYPERLINK("http://x","y")', 'Rose House\r\nAnnex'));

const homeArb: fc.Arbitrary<Home> = fc.record({
  row: fc.nat(REGISTER_ROWS.length - 1),
  name: nameArb,
  closedOn: fc.option(fc.constantFrom('2025-09-01', '2025-10-10'), { freq: 3 }),
  concerns: fc.array(fc.record({ enquiry: fc.boolean(), abuseType: fc.constantFrom('neglect', 'physical', 'organisational') }), { maxLength: 6 }),
  suspended: fc.boolean(),
  placingCouncil: fc.option(fc.nat(COUNCILS.length - 1)),
});

function filesOf(homes: readonly Home[], personal: string) {
  const chosen = [...new Map(homes.map((home) => [home.row, home])).values()];
  const idOf = (home: Home) => REGISTER_ROWS[home.row]![column('Location ID')]!;
  const registerRows = chosen.map((home) =>
    REGISTER_ROWS[home.row]!.map((cell, at) => {
      if (at === column('Location Name')) return home.name;
      if (at === column('Registered manager')) return personal;
      if (at === column('Location HSCA end date')) return home.closedOn ?? '';
      return cell;
    }),
  );
  const concerns = chosen.flatMap((home) =>
    home.concerns.map((concern, i) => [`${idOf(home)}-${i}`, personal, idOf(home), '2025-09-20', concern.abuseType, concern.enquiry ? 'Yes' : 'No', personal]),
  );
  const actions = chosen.filter((home) => home.suspended).map((home) => [COUNCILS[0]!.gss, idOf(home), 'contract-suspended', '2025-10-01', personal]);
  const placements = chosen.flatMap((home) => (home.placingCouncil === null ? [] : [[COUNCILS[home.placingCouncil]!.gss, idOf(home), '3', personal]]));
  return {
    register: stringify([REGISTER_HEADER, ...registerRows]),
    safeguarding: stringify([['concern_id', 'adult_name', 'location_id', 'concern_date', 'abuse_type', 'section_42_enquiry', 'free_text'], ...concerns]),
    actions: stringify([['council_gss', 'location_id', 'action', 'date', 'officer_name'], ...actions]),
    placements: stringify([['council_gss', 'location_id', 'residents_placed', 'resident_names'], ...placements]),
  };
}

/** The messages the current protocol sends on the first assessment of every subject in the files' market. */
function messagesFor(files: ReturnType<typeof filesOf>) {
  const register = parseCqcRegister(files.register, context);
  const signals = [...register.signals, ...parseSafeguardingReturn(files.safeguarding, context).signals, ...parseCommissionerActions(files.actions, context).signals];
  const signalsByLocation = groupBy(signals.filter((s) => s.subject.type === 'location'), (s) => s.subject.id);
  const signalsByProvider = groupBy(signals.filter((s) => s.subject.type === 'provider'), (s) => s.subject.id);
  const baseline = computeBaseline({ asOf: AS_OF, locations: register.locations, signalsByLocation, scarceSpecialisms: MODEL.impact.scarceSpecialisms });
  const assessed = scoreMarket({ ...register, signalsByLocation, signalsByProvider }, AS_OF, MODEL, baseline);
  const market = marketContextOf(register.locations, register.providers, parsePlacements(files.placements, context).placements);
  return [...assessed.locations, ...assessed.providers, ...assessed.groups].flatMap((a) => decideEscalation(a, undefined, market, DEFAULT_PROTOCOL)?.messages ?? []);
}

describe('fuzzing escalation from source files', () => {
  it('sends only strictly formed messages, with no personal data, whatever the sources held', () => {
    let sent = 0;
    fc.assert(
      fc.property(fc.array(homeArb, { minLength: 1, maxLength: 6 }), personalText, (homes, personal) => {
        // Prepare
        const files = filesOf(homes, personal);

        // Act
        const messages = messagesFor(files);

        // Assess
        sent += messages.length;
        for (const message of messages) {
          expect(EscalationMessage.safeParse(message).success).toBe(true);
          expect(JSON.stringify(message)).not.toContain(PERSONAL_DATA_MARKER);
        }
      }),
      { numRuns: 60 },
    );
    // Closures make some homes Red in most runs: a run that sent nothing would prove nothing.
    expect(sent).toBeGreaterThan(0);
  });
});
