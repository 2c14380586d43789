// The protocol as configuration: the default file parses, and a protocol that would send personal data,
// withhold the escalation itself, or stand an episode down the day it opens is refused.
import { describe, expect, it } from 'vitest';
import { EscalationMessage } from '../../shared/domain/escalation-message.js';
import { DEFAULT_PROTOCOL, partyIds, Protocol, protocolVersion } from '../../shared/domain/protocol.js';

const PROTOCOL_1 = protocolVersion('protocol-1');

/** The protocol loosened to what a configuration file could hold, so a test can put invalid values in it. */
interface Draft {
  disclosure: Record<string, string[]>;
  fieldClasses: { personal: { fields: string[] } };
  episodes: { exitBelowLikelihood: number; highImpact: { exitBelowLikelihood: number }; standDownAfterAssessments: number };
  tiers: { regional: { rules: { subjects: string[] }[] } };
  delivery: { digestRecipients: string[] };
}

const variant = (change: (draft: Draft) => void) => {
  // Version 1's likelihood thresholds: the checks below are on them.
  const draft = structuredClone(PROTOCOL_1) as unknown as Draft;
  change(draft);
  return Protocol.safeParse(draft);
};

describe('the default protocol', () => {
  it('sets the response targets, hysteresis, legal basis and retention the scheme asks for', () => {
    // Prepare
    const protocol = DEFAULT_PROTOCOL;

    // Act
    const targets = [protocol.tiers.local.responseWorkingDays, protocol.tiers.regional.responseWorkingDays, protocol.tiers.national.responseWorkingDays];

    // Assess
    expect(targets).toEqual([5, 2, 1]);
    // Version 2 opens on the band, since the current model's likelihood is a fitted probability; version 1's
    // likelihood thresholds stay for replaying what it decided.
    expect(protocol.version).toBe('protocol-2');
    expect(protocol.episodes).toMatchObject({ openOn: 'band', enterAtBand: 'Red', exitBelowBand: 'Amber', standDownAfterAssessments: 2 });
    expect(PROTOCOL_1.episodes).toMatchObject({ enterAtLikelihood: 70, exitBelowLikelihood: 60, highImpact: { enterAtLikelihood: 40, exitBelowLikelihood: 30 }, standDownAfterAssessments: 2 });
    expect(protocol.legalBasis).toBe('Care Act 2014 ss.48-52 and 56; UK GDPR art. 6(1)(e)');
    expect(protocol.retentionYears).toBe(6);
    expect(protocol.disclosure).toEqual({
      'host-council': ['public', 'official', 'operational', 'commercially-sensitive'],
      'placing-council': ['public', 'official', 'operational'],
      'adass-network': ['public', 'official'],
      national: ['public', 'official', 'operational', 'commercially-sensitive'],
    });
  });

  it('assigns every field of an escalation message to exactly one field class, and none to personal', () => {
    // Prepare
    const { fieldClasses } = DEFAULT_PROTOCOL;

    // Act
    const listed = [...fieldClasses.public.fields, ...fieldClasses.official.fields];

    // Assess
    expect([...listed].sort()).toEqual(Object.keys(EscalationMessage.shape).sort());
    expect(new Set(listed).size).toBe(listed.length);
    expect(fieldClasses['commercially-sensitive'].fields).toEqual(['evidence[family=financial]']);
    expect(fieldClasses.operational.fields).toEqual(['evidence[family=occupancy]', 'evidence[family=workforce]']);
    expect(fieldClasses.personal.fields).toEqual([]);
  });

  it('names each council, ADASS network and national oversight once as a party', () => {
    // Prepare
    const protocol = DEFAULT_PROTOCOL;

    // Act
    const ids = partyIds(protocol);

    // Assess
    expect(ids).toHaveLength(153 + 9 + 1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['E08000035', 'adass-north-west', 'adass-yorkshire-and-humber', 'national-market-oversight']));
  });
});

describe('a protocol variant', () => {
  it.each([
    ['gives a recipient personal data', (p: Draft) => (p.disclosure['adass-network'] = ['public', 'official', 'personal'])],
    ['lists a personal field', (p: Draft) => (p.fieldClasses.personal.fields = ['by'])],
    ['withholds official fields from a recipient', (p: Draft) => (p.disclosure['placing-council'] = ['public'])],
    ['leaves a recipient kind out', (p: Draft) => delete p.disclosure.national],
    ['exits above its entry threshold', (p: Draft) => (p.episodes.exitBelowLikelihood = 75)],
    ['exits above its High impact entry threshold', (p: Draft) => (p.episodes.highImpact.exitBelowLikelihood = 45)],
    ['has a tier rule for no kind of subject', (p: Draft) => (p.tiers.regional.rules[0]!.subjects = [])],
    ['stands down after no assessments', (p: Draft) => (p.episodes.standDownAfterAssessments = 0)],
    // A misspelt condition would otherwise be dropped, widening the rule.
    ['misspells a tier rule condition', (p: Draft) => Object.assign(p.tiers.regional.rules[0]!, { minCouncil: 2 })],
    ['misspells a High impact threshold', (p: Draft) => Object.assign(p.episodes.highImpact, { exitBelowLikelyhood: 30 })],
  ])('is refused when it %s', (_, change) => {
    // Prepare
    const edit = change;

    // Act
    const result = variant(edit);

    // Assess
    expect(result.success).toBe(false);
  });

  it('is accepted when it shares commercially sensitive fields with ADASS networks', () => {
    // Prepare
    const edit = (p: Draft) => (p.disclosure['adass-network'] = ['public', 'official', 'commercially-sensitive']);

    // Act
    const result = variant(edit);

    // Assess
    expect(result.success).toBe(true);
  });

  it.each([
    ['a council', 'E08000035', true],
    ['an ADASS network', 'adass-north-west', true],
    ['national oversight', 'national-market-oversight', true],
    ['no party of the protocol', 'E99999999', false],
  ])('takes a daily digest for %s only if the protocol can address it', (_, recipientId, accepted) => {
    // Prepare
    const edit = (p: Draft) => (p.delivery.digestRecipients = [recipientId]);

    // Act
    const result = variant(edit);

    // Assess
    expect(result.success).toBe(accepted);
  });
});
