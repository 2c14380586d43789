// cdk-nag wiring, shared by the CDK app and the infrastructure tests so both fail on the same findings.
// cdk-nag 3 is a CDK validation plugin (not an Aspect): any unacknowledged finding makes synthesis throw.
import { type Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

export function applyNagChecks(stage: Stage): void {
  Validations.of(stage).addPlugins(new AwsSolutionsChecks(stage, { verbose: true }));
}
