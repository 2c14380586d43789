// What the infrastructure tests share: the CLI's feature flags, the example configuration, one synthesis
// of a stack per test file (with or without bundling the functions), and reading a template's IAM.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { DEFAULT_CONFIG_PATH, type DeploymentConfig, loadDeploymentConfig } from '../../infra/config/schema.js';
import { PROJECT_ROOT } from '../../infra/constructs/pipeline-functions.js';
import { applyNagChecks } from '../../infra/nag.js';
import { CareMarketStack } from '../../infra/stack.js';

/** The same feature flags the CLI applies, so the tested template is the deployed one. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/** infra/config/example.json, validated as the app validates it. */
export const exampleConfig = (): DeploymentConfig => loadDeploymentConfig(DEFAULT_CONFIG_PATH, PROJECT_ROOT);

const tempDirs: string[] = [];
/** A directory removed after the test file. */
export function tempDir(prefix: string): string {
  if (tempDirs.length === 0) {
    afterAll(() => {
      for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export const logicalId = (construct: IConstruct): string => Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

export interface Synthesized {
  app: App;
  stack: CareMarketStack;
  template: Template;
}

/**
 * The stack as `cdk synth` builds it, with cdk-nag (which throws on any unacknowledged finding). Without
 * `bundle`, the functions' code is not bundled (CDK's `aws:cdk:bundling-stacks`): the template is the same
 * but for asset hashes, in a fifth of the time.
 */
export function synthesize(config: DeploymentConfig, options: { bundle: boolean }): Synthesized {
  const context = { ...cdkJsonContext(), ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) };
  const app = new App({ context, outdir: tempDir('care-market-cdk-') });
  const stack = new CareMarketStack(app, 'CareMarketEarlyWarning', { config, env: { region: config.aws.region } });
  applyNagChecks(app);
  const assembly = app.synth();
  return { app, stack, template: Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template) };
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Every policy statement attached to a role: its inline policies and the AWS::IAM::Policy resources naming it. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const role = template.findResources('AWS::IAM::Role')[roleLogicalId];
  const inline = ((role?.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
  const attached = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  return [...inline, ...attached];
}

/** Every identity policy statement in the template, with the resource that holds it. */
export function everyPolicyStatement(template: Template): { holder: string; statement: Statement }[] {
  const documents: { holder: string; document: { Statement: Statement[] } }[] = [];
  for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
    for (const policy of (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]) documents.push({ holder: id, document: policy.PolicyDocument });
  }
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [id, policy] of Object.entries(template.findResources(type))) documents.push({ holder: id, document: policy.Properties.PolicyDocument });
  }
  return documents.flatMap(({ holder, document }) => document.Statement.map((statement) => ({ holder, statement })));
}

/** Every acknowledgement recorded with Validations.of(x).acknowledge, with the path it was made on. */
export function acknowledgements(root: IConstruct): Array<{ path: string; id: string }> {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.keys(entry.data as Record<string, string>).map((id) => ({ path: construct.node.path, id: id.replace(/^annotation::/i, '') }))),
  );
}

/** Every AwsSolutions finding in the tree as if nothing were acknowledged. */
export function findingsIgnoringAcknowledgements(root: IConstruct): Array<{ path: string; id: string }> {
  const pack = new AwsSolutionsChecks();
  // cdk-nag 3.0.x: isAcknowledged is the (private) filter applied to each finding; turn it off.
  const hook = pack as unknown as { isAcknowledged?: unknown };
  if (typeof hook.isAcknowledged !== 'function') throw new Error('cdk-nag changed: NagPack.isAcknowledged is gone');
  hook.isAcknowledged = () => false;
  return pack
    .validateScope(root)
    .violations.flatMap((v) => v.violatingResources.map((r) => ({ path: (r as { constructPath?: string }).constructPath ?? '', id: v.ruleName })));
}
