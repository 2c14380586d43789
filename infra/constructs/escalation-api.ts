// The escalation HTTP API for recipients: acknowledge an episode, and list the disclosure audit trail.
// Every route needs a JWT from the recipients' identity provider (its `custom:role` and `custom:party`
// claims say which council, ADASS network or national oversight is calling); the stage is throttled and
// writes an access log naming the route, the status and the calling party.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';

export interface EscalationApiThrottle {
  /** Steady requests a second across the stage. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface EscalationApiProps {
  readonly acknowledge: lambda.IFunction;
  readonly audit: lambda.IFunction;
  /** The market dashboard: `GET /` (the aggregate map) is open; every other page needs a token. */
  readonly dashboard: lambda.IFunction;
  /** The token issuer, e.g. a Cognito user pool: `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  readonly jwtIssuer: string;
  /** Accepted `aud` (or Cognito `client_id`) values. */
  readonly jwtAudience: readonly string[];
  /** @default 10 a second, bursts of 20: a few hundred recipients acknowledging and auditing by hand. */
  readonly throttle?: EscalationApiThrottle;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly accessLogRetention?: logs.RetentionDays;
}

export const ESCALATION_API_ROUTES = {
  acknowledge: '/episodes/{episodeId}/acknowledgements',
  disclosures: '/disclosures',
  dashboardMap: '/',
  dashboardPages: '/{proxy+}',
} as const;

export class EscalationApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EscalationApiProps) {
    super(scope, id);
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const authorizer = new HttpJwtAuthorizer('Recipients', props.jwtIssuer, { jwtAudience: [...props.jwtAudience] });
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: 'care-market-escalations',
      description: 'Care market escalations: acknowledgements and the disclosure audit',
      createDefaultStage: false,
      defaultAuthorizer: authorizer,
    });
    const throttle = props.throttle ?? { rateLimit: 10, burstLimit: 20 };
    this.stage = this.api.addStage('Stage', {
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            party: '$context.authorizer.claims.custom:party',
            role: '$context.authorizer.claims.custom:role',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.api.addRoutes({
      path: ESCALATION_API_ROUTES.acknowledge,
      methods: [apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration('Acknowledge', props.acknowledge),
    });
    this.api.addRoutes({
      path: ESCALATION_API_ROUTES.disclosures,
      methods: [apigw.HttpMethod.GET],
      integration: new HttpLambdaIntegration('Audit', props.audit),
    });
    // The map holds aggregates only (small counts suppressed), so anyone may see it; the handler decides every
    // other page from the token's claims. No route signs anyone in: the development sign-in is npm run serve's.
    const dashboard = new HttpLambdaIntegration('Dashboard', props.dashboard);
    const [openMap] = this.api.addRoutes({ path: ESCALATION_API_ROUTES.dashboardMap, methods: [apigw.HttpMethod.GET], integration: dashboard, authorizer: new apigw.HttpNoneAuthorizer() });
    acknowledge(openMap!, 'AwsSolutions-APIG4', 'The dashboard map is the public aggregate view: council figures with safeguarding counts of 1 to 4 suppressed, as published; every other page needs a token');
    this.api.addRoutes({ path: ESCALATION_API_ROUTES.dashboardPages, methods: [apigw.HttpMethod.GET], integration: dashboard });
  }

  get url(): string {
    return this.stage.url;
  }
}
