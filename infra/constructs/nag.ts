// Helpers to acknowledge cdk-nag findings precisely: one finding id, one construct, one reason.
// cdk-nag 3 reads acknowledgements from construct metadata written by `Validations.of(x).acknowledge`,
// on the flagged resource or any of its ancestors. IAM5 findings carry the flattened resource, e.g.
// `AwsSolutions-IAM5[Resource::<SignalTable1A2B3C4D.Arn>/index/*]`, so the helpers below rebuild that
// text from the logical id of the resource the wildcard hangs off.
import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledge one cdk-nag rule (or one finding of it, `Rule[finding]`) on a construct and its children. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The text cdk-nag prints for `{ "Fn::GetAtt": [logicalId, attribute] }` of the given resource (or of the
 * default child of an L2 construct), e.g. `<SignalTable1A2B3C4D.Arn>`.
 */
export function getAttText(resource: IConstruct, attribute = 'Arn'): string {
  return `<${logicalIdOf(resource)}.${attribute}>`;
}

function logicalIdOf(resource: IConstruct): string {
  const element = CfnElement.isCfnElement(resource) ? resource : resource.node.defaultChild;
  if (!element || !CfnElement.isCfnElement(element)) {
    throw new Error(`${resource.node.path} has no CloudFormation resource to name in a nag acknowledgement`);
  }
  return Stack.of(element).getLogicalId(element);
}

/** Acknowledge IAM5 wildcard findings, each named exactly (`Action::s3:Abort*`, `Resource::<X.Arn>/*`). */
export function acknowledgeWildcards(scope: IConstruct, findings: readonly string[], reason: string): void {
  for (const finding of findings) acknowledge(scope, `AwsSolutions-IAM5[${finding}]`, reason);
}
