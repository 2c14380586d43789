// The information-sharing protocol as versioned configuration: tiers and their triggers, response targets,
// which recipients see which classes of field, the legal basis. Personal data is not a class any recipient
// can be given: it never leaves the system.
import * as z from 'zod/mini';
import protocolV1 from '../config/protocol-v1.json' with { type: 'json' };

export const TIERS = ['local', 'regional', 'national'] as const;
export const Tier = z.enum(TIERS);
export type Tier = z.infer<typeof Tier>;

export const FIELD_CLASSES = ['public', 'official', 'commercially-sensitive'] as const;
export const FieldClass = z.enum(FIELD_CLASSES);
export type FieldClass = z.infer<typeof FieldClass>;

export const RECIPIENT_KINDS = ['host-council', 'placing-council', 'adass-network', 'national'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

const workingDays = z.int().check(z.positive());

export const Protocol = z.object({
  version: z.string(),
  name: z.string(),
  legalBasis: z.string(),
  retentionYears: z.int().check(z.positive()),
  tiers: z.object({
    local: z.object({ responseWorkingDays: workingDays }),
    regional: z.object({ responseWorkingDays: workingDays, minCouncils: z.int().check(z.positive()), highImpact: z.boolean() }),
    national: z.object({ responseWorkingDays: workingDays, minRegions: z.int().check(z.positive()), minBeds: z.int().check(z.positive()) }),
  }),
  fieldClasses: z.record(z.enum(RECIPIENT_KINDS), z.array(FieldClass)),
});
export type Protocol = z.infer<typeof Protocol>;

export const DEFAULT_PROTOCOL: Protocol = Protocol.parse(protocolV1);
