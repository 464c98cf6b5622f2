// Prints a plan (for --dry-run) or carries it out through the API, one line per resource.

import { kinds } from '../../model/resource-kinds.ts';
import type { AppMeshClient } from '../api-client.ts';
import { collectionPath, itemPath } from '../resource-api.ts';
import { describeStep, type PlanAction, type PlanStep } from './build-plan.ts';
import { formatChange } from './spec-diff.ts';

const pastTense: Readonly<Record<PlanAction, string>> = {
  create: 'created',
  update: 'updated',
  unchanged: 'unchanged',
  delete: 'deleted',
};

function stepLines(step: PlanStep, verb: string): string {
  const lines = [`${verb} ${describeStep(step)}`];
  for (const change of step.changes) lines.push(`    ${formatChange(change)}`);
  return lines.join('\n') + '\n';
}

export function summarize(steps: readonly PlanStep[]): string {
  const count = (action: PlanAction) => steps.filter((step) => step.action === action).length;
  return `${count('create')} to create, ${count('update')} to update, ${count('unchanged')} unchanged, ${count('delete')} to delete`;
}

export function printPlan(steps: readonly PlanStep[], write: (text: string) => void): void {
  for (const step of steps) write(stepLines(step, step.action));
  write(`plan: ${summarize(steps)} (dry run: nothing was written)\n`);
}

async function carryOut(client: AppMeshClient, step: PlanStep): Promise<void> {
  const { key } = step;
  if (step.action === 'create') {
    const descriptor = kinds[key.kind];
    const body: Record<string, unknown> = { [descriptor.nameMember]: key.name, spec: step.desired!.spec };
    if (step.desired!.tags && step.desired!.tags.length > 0) body.tags = step.desired!.tags;
    await client.call('PUT', collectionPath(key.kind, key.meshName, key.parentName), body);
  } else if (step.action === 'update') {
    if (step.specChanged) await client.call('PUT', itemPath(key), { spec: step.desired!.spec });
    const arn = encodeURIComponent(step.existing!.arn);
    if (step.tagChanges.set.length > 0)
      await client.call('PUT', `/tag?resourceArn=${arn}`, { tags: step.tagChanges.set });
    if (step.tagChanges.remove.length > 0) {
      await client.call('PUT', `/untag?resourceArn=${arn}`, { tagKeys: step.tagChanges.remove });
    }
  } else if (step.action === 'delete') {
    await client.call('DELETE', itemPath(key));
  }
}

/** Applies the steps in order; on an API failure stops and rethrows, naming the step. */
export async function executePlan(
  client: AppMeshClient,
  steps: readonly PlanStep[],
  write: (text: string) => void,
) {
  for (const step of steps) {
    try {
      await carryOut(client, step);
    } catch (error) {
      throw new Error(`${step.action} ${describeStep(step)} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    write(stepLines(step, pastTense[step.action]));
  }
  write(
    `applied: ${summarize(steps).replace(/to (create|update|delete)/g, (_m, verb: PlanAction) => pastTense[verb])}\n`,
  );
}
