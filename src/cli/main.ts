// Entry point of the `switchyard` command: one subcommand per file.

import { Command } from 'commander';
import { controlPlaneCommand } from './control-plane-command.ts';
import { demoCommand } from './demo-command.ts';

const program = new Command('switchyard')
  .description('Switchyard: a self-hosted, App Mesh compatible service mesh')
  .showHelpAfterError()
  .addCommand(controlPlaneCommand())
  .addCommand(demoCommand());

await program.parseAsync(process.argv);
