// Entry point of the `switchyard` command: one subcommand per file.

import { Command } from 'commander';
import { controlPlaneCommand } from './control-plane-command.ts';
import { demoCommand } from './demo-command.ts';
import { applyCommand } from './apply/apply-command.ts';
import { deleteCommand } from './delete-command.ts';
import { describeCommand } from './describe-command.ts';
import { endpointOption } from './endpoint-option.ts';
import { envoyBootstrapCommand } from './envoy-bootstrap-command.ts';
import { getCommand } from './get-command.ts';
import { proxyCommand } from './proxy-command.ts';
import { proxyStatusCommand } from './proxy-status-command.ts';

const program = new Command('switchyard')
  .description('Switchyard: a self-hosted, App Mesh compatible service mesh')
  .showHelpAfterError()
  .addOption(endpointOption())
  .addCommand(controlPlaneCommand())
  .addCommand(demoCommand())
  .addCommand(applyCommand())
  .addCommand(getCommand())
  .addCommand(describeCommand())
  .addCommand(deleteCommand())
  .addCommand(proxyCommand())
  .addCommand(proxyStatusCommand())
  .addCommand(envoyBootstrapCommand());

await program.parseAsync(process.argv);
