// Invokes a Lambda handler in this process exactly as the Lambda runtime would: an event and a context.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

let invocation = 0;

export function lambdaContext(functionName: string): Context {
  invocation += 1;
  // A counter, not a random id, so two runs log and write the same things.
  const awsRequestId = `local-${functionName}-${invocation}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-2:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function invoke<E, R>(functionName: string, handler: Handler<E, R>, event: E): Promise<R> {
  return handler(event, lambdaContext(functionName));
}

/** The SQS event an S3 ObjectCreated notification reaches the ingest Lambda in. */
export function landedObjectsEvent(bucket: string, objects: readonly { key: string; landedOn: string }[]) {
  return {
    Records: objects.map((object, index) => ({
      messageId: `landed-${index}-${object.key}`,
      body: JSON.stringify({
        Records: [
          {
            eventSource: 'aws:s3',
            eventName: 'ObjectCreated:Put',
            eventTime: `${object.landedOn}T06:00:00.000Z`,
            s3: { bucket: { name: bucket }, object: { key: encodeURIComponent(object.key).replace(/%2F/g, '/') } },
          },
        ],
      }),
    })),
  };
}

/** The API Gateway HTTP API (payload 2.0) event of an acknowledgement, as its JWT authorizer passes it on. */
export function acknowledgementRequest(episodeId: string, claims: Record<string, string>, on: string): APIGatewayProxyEventV2WithJWTAuthorizer {
  const path = `/episodes/${encodeURIComponent(episodeId)}/acknowledgements`;
  return {
    version: '2.0',
    routeKey: 'POST /episodes/{episodeId}/acknowledgements',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    pathParameters: { episodeId },
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'api.example.gov.uk',
      domainPrefix: 'api',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'request-1',
      routeKey: 'POST /episodes/{episodeId}/acknowledgements',
      stage: '$default',
      time: `${on}T10:00:00Z`,
      timeEpoch: Date.parse(`${on}T10:00:00Z`),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } },
    },
  };
}
