// `switchyard apply -f ...`: makes the control plane hold what the files describe (Kubernetes manifests of the
// App Mesh controller, CloudFormation templates, App Mesh CLI input), validating everything before writing.
// CloudFormation's Cloud Map namespaces and services go to the instance registry.

import { Command } from 'commander';
import { parseArn, type AccountScope } from '../../model/arn.ts';
import { resourcePath } from '../../model/resource-key.ts';
import type { AppMeshClient } from '../api-client.ts';
import { CliError, runAction } from '../cli-error.ts';
import { clientFor } from '../endpoint-option.ts';
import { listTags, type TagRef } from '../resource-api.ts';
import { formatProblem, sortProblems } from './apply-problem.ts';
import { buildPlan } from './build-plan.ts';
import { applyRegistryEntries } from './cfn/apply-registry-entries.ts';
import { parseKeyValues, parseParameterOverrides, parseResourceAttributes } from './cfn/cfn-parameters.ts';
import { loadClusterState } from './cluster-state.ts';
import { convertDocuments } from './convert-documents.ts';
import { parseFieldValidation } from './k8s/prune-unknown-fields.ts';
import { readDocuments } from './read-documents.ts';
import { executePlan, printPlan } from './run-plan.ts';
import { validateDesired } from './validate-desired.ts';

interface ApplyOptions {
  readonly filename: string[];
  readonly dryRun?: boolean;
  readonly prune?: boolean;
  readonly namespace: string;
  readonly mesh?: string;
  readonly parameter: string[];
  readonly import: string[];
  readonly resourceAttribute: string[];
  readonly stackName?: string;
  readonly validate: string;
}

/** The flags' values, checked before any file is read. */
function flagValues(options: ApplyOptions) {
  try {
    return {
      parameters: parseParameterOverrides(options.parameter),
      imports: parseKeyValues('--import', options.import),
      resourceAttributes: parseResourceAttributes(options.resourceAttribute),
      validation: parseFieldValidation(options.validate),
    };
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The account the control plane runs as, read off an existing ARN; the control plane's default otherwise. */
async function accountScopeOf(client: AppMeshClient): Promise<AccountScope> {
  const page = await client.call('GET', '/meshes?limit=1');
  const first = (page.meshes as { arn?: string }[] | undefined)?.[0]?.arn;
  const parsed = first ? parseArn(first) : undefined;
  return parsed ?? { partition: 'aws', region: 'us-east-1', accountId: '000000000000' };
}

async function run(options: ApplyOptions, command: Command): Promise<void> {
  const flags = flagValues(options);
  const client = clientFor(command);
  const write = (text: string) => process.stdout.write(text);
  const read = await readDocuments(options.filename);
  const conversion = convertDocuments(read.documents, {
    ...flags,
    namespace: options.namespace,
    meshName: options.mesh,
    scope: await accountScopeOf(client),
    stackName: options.stackName,
  });
  for (const note of conversion.notes) process.stderr.write(`note: ${note}\n`);
  for (const warning of sortProblems(conversion.warnings))
    process.stderr.write(`warning: ${formatProblem(warning)}\n`);
  const desired = conversion.resources;
  const state = await loadClusterState(
    client,
    desired.map((resource) => resource.key.meshName),
  );
  const problems = [
    ...read.problems,
    ...conversion.problems,
    ...validateDesired(desired, state, { prune: options.prune === true }),
  ];
  if (problems.length > 0) {
    for (const problem of sortProblems(problems)) process.stderr.write(`error: ${formatProblem(problem)}\n`);
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new CliError(`${count} in the input; nothing was written`);
  }
  if (desired.length === 0 && conversion.registry.length === 0) {
    process.stderr.write('nothing to apply: the files hold no App Mesh resources\n');
    return;
  }
  await applyRegistryEntries(client, conversion.registry, options.dryRun === true, write);
  if (desired.length === 0) return;
  const existingTags = new Map<string, TagRef[]>();
  for (const resource of desired) {
    const existing = state.get(resourcePath(resource.key));
    if (existing && resource.tags !== undefined)
      existingTags.set(resourcePath(resource.key), await listTags(client, existing.arn));
  }
  const steps = buildPlan(desired, state, existingTags, options.prune === true);
  if (options.dryRun) printPlan(steps, write);
  else await executePlan(client, steps, write);
}

export function applyCommand(): Command {
  return new Command('apply')
    .description(
      'create or update App Mesh resources from Kubernetes manifests, CloudFormation templates or CLI input JSON',
    )
    .requiredOption(
      '-f, --filename <source>',
      'file, directory (its *.yaml, *.yml, *.json) or - for stdin; repeatable',
      collect,
    )
    .option('--dry-run', 'print the plan (create / update with a field diff / unchanged) without writing')
    .option('--prune', 'delete resources of the touched meshes that the files no longer contain')
    .option('-n, --namespace <namespace>', 'namespace of Kubernetes manifests that name none', 'default')
    .option(
      '--mesh <mesh>',
      'mesh of Kubernetes resources without spec.meshRef (instead of namespace selectors)',
    )
    .option('--parameter <Key=Value...>', 'CloudFormation parameter value; repeatable', [] as string[])
    .option(
      '--import <Name=Value...>',
      "value of another stack's export, for Fn::ImportValue; repeatable",
      [] as string[],
    )
    .option(
      '--resource-attribute <LogicalId[.Attribute]=Value...>',
      'value of a template resource switchyard does not manage: LogicalId=V for Ref, LogicalId.Attribute=V for Fn::GetAtt; repeatable',
      [] as string[],
    )
    .option('--stack-name <name>', 'AWS::StackName of CloudFormation templates', 'switchyard')
    .option(
      '--validate <mode>',
      'unknown fields of Kubernetes manifests: warn (drop them, as kubectl does), strict (refuse) or ignore (drop silently)',
      'warn',
    )
    .action(runAction(async (options: ApplyOptions, command: Command) => run(options, command)));
}
