#!/usr/bin/env node
import { Command } from 'commander';
import { demoCommand } from './commands/demo.js';
import { generateCommand } from './commands/generate.js';
import { runCommand } from './commands/run.js';
import { enqueueCommand } from './commands/enqueue.js';
import { statusCommand } from './commands/status.js';
import { cancelCommand } from './commands/cancel.js';
import { workerCommand } from './commands/worker.js';
import { coordinatorCommand } from './commands/coordinator.js';
import { boardCommand } from './commands/board.js';
import { pgCommand } from './commands/pg.js';

// The pinned AWS SDK supports Node 20; its notice about future releases is noise on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command('ocpsum')
  .description('OpenShift usage reports → cost-management daily summaries')
  .showHelpAfterError()
  .addCommand(runCommand())
  .addCommand(enqueueCommand())
  .addCommand(statusCommand())
  .addCommand(cancelCommand())
  .addCommand(workerCommand())
  .addCommand(coordinatorCommand())
  .addCommand(boardCommand())
  .addCommand(pgCommand())
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
