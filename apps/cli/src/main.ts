#!/usr/bin/env node
import { Command } from 'commander';
import { demoCommand } from './commands/demo.js';
import { generateCommand } from './commands/generate.js';
import { runCommand } from './commands/run.js';

const program = new Command('ocpsum')
  .description('OpenShift usage reports → cost-management daily summaries')
  .showHelpAfterError()
  .addCommand(runCommand())
  .addCommand(generateCommand())
  .addCommand(demoCommand());

try {
  await program.parseAsync();
} catch (error) {
  // Users see what is wrong, not a stack trace; OCPSUM_DEBUG=1 shows the stack.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`ocpsum: error: ${message}`);
  if (process.env.OCPSUM_DEBUG && error instanceof Error) console.error(error.stack);
  process.exitCode = 1;
}
