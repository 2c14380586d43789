// Who may call the escalation API. Either the stack's own Cognito user pool, whose users are created by an
// administrator with the admin-only attributes `custom:role` and `custom:party` (which council, ADASS
// network or national oversight they act for), or an identity provider the recipients already use. A user
// who could write their own `custom:party` could become another council: the app client's write
// attributes leave both out, so only an administrator (AdminUpdateUserAttributes) can set them.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { AuthConfig } from '../config/schema.js';

/** The custom attributes the audit and acknowledge functions read from the ID token's claims. */
export const PARTY_ATTRIBUTES = { role: 'role', party: 'party' } as const;

/** What the HTTP API's JWT authorizer trusts. */
export interface ApiTokenIssuer {
  readonly jwtIssuer: string;
  readonly jwtAudience: readonly string[];
}

/**
 * The recipients' user pool: no self sign-up, an administrator creates each user with their role and
 * party; sign-in by e-mail address with SRP, a strong password and an authenticator app (TOTP) always.
 */
export class RecipientUserPool extends Construct implements ApiTokenIssuer {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Pool', {
      userPoolName: `${Stack.of(this).stackName}-recipients`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        [PARTY_ATTRIBUTES.role]: new cognito.StringAttribute({ minLen: 1, maxLen: 32, mutable: true }),
        [PARTY_ATTRIBUTES.party]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Compromised-credential and risky sign-in checks on an internet-facing sign-in.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.client = this.userPool.addClient('ApiClient', {
      userPoolClientName: 'care-market-recipients',
      authFlows: { userSrp: true },
      generateSecret: false,
      disableOAuth: true,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes(PARTY_ATTRIBUTES.role, PARTY_ATTRIBUTES.party),
      // Deliberately without custom:role and custom:party (and the e-mail address that signs in).
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ givenName: true, familyName: true }),
    });
  }

  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>`: the `iss` of the pool's tokens. */
  get jwtIssuer(): string {
    // The pool's ProviderURL attribute has no scheme; the authorizer compares the whole `iss`.
    return `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }

  /** ID tokens carry the custom attributes and name the app client as their `aud`. */
  get jwtAudience(): readonly string[] {
    return [this.client.userPoolClientId];
  }
}

/** The issuer the configuration names: the stack's own user pool, or the external issuer as given. */
export function tokenIssuerFor(scope: Construct, auth: AuthConfig): { issuer: ApiTokenIssuer; userPool?: RecipientUserPool } {
  if ('createUserPool' in auth) {
    const userPool = new RecipientUserPool(scope, 'Recipients');
    return { issuer: userPool, userPool };
  }
  return { issuer: { jwtIssuer: auth.issuer, jwtAudience: auth.audience } };
}
