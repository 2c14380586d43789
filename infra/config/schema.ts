// The deployment configuration: one JSON file (`npx cdk synth -c config=FILE`, default
// infra/config/example.json) validated here before any construct is built, so a wrong or placeholder value
// fails synthesis with the key that holds it instead of deploying something that cannot work.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';
import { DEFAULT_PROTOCOL, partyOf, protocolVersion } from '../../shared/domain/protocol.js';

/** What the deployed functions are built with: the handlers address recipients under this protocol. */
const DEPLOYED_PROTOCOL = DEFAULT_PROTOCOL.version;

/**
 * Values copied from a template and never filled in. `example.com` (and .org/.net, RFC 2606) hosts and
 * addresses would make SNS send escalations, or the authorizer trust tokens, somewhere nobody reads.
 */
const PLACEHOLDERS: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /REPLACE[-_ ]?ME/i, what: 'REPLACE_ME' },
  { pattern: /\bTODO\b|\bFIXME\b|\bCHANGEME\b/i, what: 'TODO' },
  { pattern: /<[^<>]*>/, what: '<...>' },
  { pattern: /(^|[@./])example\.(com|org|net)(\b|$)/i, what: 'example.com' },
];

export function placeholderIn(value: string): string | undefined {
  return PLACEHOLDERS.find((p) => p.pattern.test(value))?.what;
}

const text = z.string().trim().min(1);
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (24-hour, Europe/London)');
const email = z.email('must be an e-mail address');
const httpsUrl = z.url({ protocol: /^https$/, hostname: z.regexes.domain, error: 'must be an https:// URL' });
const sqsArn = z
  .string()
  .regex(/^arn:aws(-[a-z]+)*:sqs:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,80}$/, 'must be a standard (not FIFO) SQS queue ARN, arn:aws:sqs:<region>:<account>:<name>');

/** Tokens from the stack's own Cognito user pool (the pool and its app client are created by the stack). */
const CreatedUserPool = z.strictObject({ createUserPool: z.literal(true) });
/** Tokens from an identity provider the recipients already use. */
const ExternalIssuer = z.strictObject({
  /** The `iss` of the tokens, e.g. `https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbCdEf123`. */
  issuer: httpsUrl,
  /** Accepted `aud` (or Cognito `client_id`) values. */
  audience: z.array(text).min(1),
});

export const Subscription = z
  .strictObject({
    /** A council's GSS code, an ADASS network (`adass-north-west`) or national oversight, as the protocol names them. */
    party: text,
    /** Who reads this party's escalations: for descriptions and alarms. */
    description: z.optional(text),
    /** Mailboxes (role mailboxes rather than people); each confirms its subscription from the e-mail SNS sends. */
    email: z.optional(z.array(email)),
    /** Queues the party owns; a queue in another account must allow the topics to send and confirm the subscription. */
    sqs: z.optional(z.array(sqsArn)),
    /** Endpoints that confirm the subscription and then receive each message as the raw JSON body. */
    https: z.optional(z.array(httpsUrl)),
    /** An encrypted queue (with its dead-letter queue) created in this stack for the party to read. */
    createQueue: z.optional(z.boolean()),
  })
  .refine((s) => (s.email?.length ?? 0) + (s.sqs?.length ?? 0) + (s.https?.length ?? 0) > 0 || s.createQueue === true, {
    message: 'names no e-mail address, SQS queue or HTTPS endpoint, and creates no queue',
  });
export type Subscription = z.infer<typeof Subscription>;

export const DeploymentConfig = z
  .strictObject({
    /** Part of the stack name and of the landing bucket's name: lower case, up to 12 characters. */
    environment: z.string().regex(/^[a-z][a-z0-9-]{0,11}$/, 'must be 1-12 lower-case letters, digits or hyphens, starting with a letter'),
    aws: z.strictObject({
      region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-2'),
      /** Pins the stack to one account; without it the CLI's credentials decide. */
      account: z.optional(z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id')),
    }),
    auth: z.union([CreatedUserPool, ExternalIssuer], { error: 'must be {"createUserPool": true} or {"issuer": "https://...", "audience": [...]}' }),
    protocolVersion: text,
    schedules: z.strictObject({
      score: time,
      heatmap: time,
      escalate: time,
      /** How often the publisher sweeps the outbox for notices a failed run left pending. */
      publishSweepMinutes: z.int().min(5).max(60),
    }),
    alarms: z.strictObject({
      /** Receives every alarm (dead letters, errors, throttles, stale ingestion, a stuck outbox). */
      email,
    }),
    /**
     * The daily fetch of the CQC changes feed and Companies House (functions/fetch-sources), landing a dated
     * delivery before scoring. Without it, files are landed by other means.
     */
    fetchSources: z.optional(
      z.strictObject({
        at: time,
        /** A JSON secret holding CQC_API_KEY and COMPANIES_HOUSE_API_KEY; the function may read this secret only. */
        apiKeysSecretArn: z
          .string()
          .regex(/^arn:aws(-[a-z]+)*:secretsmanager:[a-z]{2}(-[a-z]+)+-\d:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/, 'must be the full ARN of a Secrets Manager secret (ending in its six-character suffix)'),
      }),
    ),
    /** Days every function's log group keeps its logs. */
    logRetentionDays: z.optional(z.union([z.literal(30), z.literal(90), z.literal(180), z.literal(365), z.literal(731)])),
    subscriptions: z.array(Subscription),
  })
  .superRefine((config, ctx) => {
    const protocolKnown = (() => {
      try {
        return protocolVersion(config.protocolVersion);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['protocolVersion'], message: (error as Error).message });
        return undefined;
      }
    })();
    if (protocolKnown && protocolKnown.version !== DEPLOYED_PROTOCOL) {
      ctx.addIssue({
        code: 'custom',
        path: ['protocolVersion'],
        message: `the functions address recipients under ${DEPLOYED_PROTOCOL}; ${config.protocolVersion} is kept only for episodes opened under it`,
      });
    }
    const seen = new Set<string>();
    config.subscriptions.forEach((subscription, index) => {
      if (!partyOf(subscription.party, protocolKnown ?? DEFAULT_PROTOCOL)) {
        ctx.addIssue({
          code: 'custom',
          path: ['subscriptions', index, 'party'],
          message: `"${subscription.party}" is no council GSS code (e.g. E08000003), ADASS network (e.g. adass-north-west) or national oversight (${DEFAULT_PROTOCOL.parties.nationalOversight.id})`,
        });
      }
      if (seen.has(subscription.party)) {
        ctx.addIssue({ code: 'custom', path: ['subscriptions', index, 'party'], message: `"${subscription.party}" is listed twice: put all its endpoints in one entry` });
      }
      seen.add(subscription.party);
    });
  });
export type DeploymentConfig = z.infer<typeof DeploymentConfig>;
export type AuthConfig = DeploymentConfig['auth'];

export const DEFAULT_CONFIG_PATH = 'infra/config/example.json';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file} is not a usable deployment configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `a.b[0].c`: the key as a reader finds it in the JSON file. */
function keyPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((out, segment) => (typeof segment === 'number' ? `${out}[${segment}]` : out ? `${out}.${String(segment)}` : String(segment)), '') || '(top level)';
}

/** Every string in the file that still holds a placeholder, with its key. */
function placeholders(value: unknown, at: PropertyKey[] = []): string[] {
  if (typeof value === 'string') {
    const found = placeholderIn(value);
    return found ? [`${keyPath(at)}: "${value}" is a placeholder (${found}); put the real value here`] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => placeholders(item, [...at, index]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => placeholders(item, [...at, key]));
  return [];
}

/** Validate parsed JSON: placeholders first (they explain a failing format best), then the schema. */
export function parseDeploymentConfig(raw: unknown, file = 'configuration'): DeploymentConfig {
  const found = placeholders(raw);
  if (found.length > 0) throw new ConfigError(file, found);
  const result = DeploymentConfig.safeParse(raw);
  if (!result.success) throw new ConfigError(file, result.error.issues.map((issue) => `${keyPath(issue.path)}: ${issue.message}`));
  return result.data;
}

/** Read and validate a configuration file; a relative path is taken from `root` (the project root). */
export function loadDeploymentConfig(file: string, root: string): DeploymentConfig {
  const absolute = path.resolve(root, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(absolute, 'utf8'));
  } catch (error) {
    throw new ConfigError(file, [`cannot be read as JSON: ${(error as Error).message}`]);
  }
  return parseDeploymentConfig(raw, file);
}
