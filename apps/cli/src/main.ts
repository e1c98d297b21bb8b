#!/usr/bin/env node
import { Command } from 'commander';

// The pinned AWS SDK supports Node 20; its notice about future releases is noise on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Commands load only when named: a command's module pulls in its engine (DuckDB, BullMQ, the AWS
 * SDK, Bull Board…), and loading all of them would slow every invocation by the engines it does not use.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.js')).runCommand(),
  enqueue: async () => (await import('./commands/enqueue.js')).enqueueCommand(),
  status: async () => (await import('./commands/status.js')).statusCommand(),
  runs: async () => (await import('./commands/runs.js')).runsCommand(),
  cancel: async () => (await import('./commands/cancel.js')).cancelCommand(),
  worker: async () => (await import('./commands/worker.js')).workerCommand(),
  reducer: async () => (await import('./commands/reducer.js')).reducerCommand(),
  board: async () => (await import('./commands/board.js')).boardCommand(),
  pg: async () => (await import('./commands/pg.js')).pgCommand(),
  generate: async () => (await import('./commands/generate.js')).generateCommand(),
  demo: async () => (await import('./commands/demo.js')).demoCommand(),
};

/**
 * Old command names, kept for one release: each runs the command it names after one line on stderr
 * saying so. `ocpsum --help` lists only the new names.
 */
const DEPRECATED: Record<string, string> = { coordinator: 'reducer' };

const program = new Command('ocpsum')
  .description('OpenShift usage reports → cost-management daily summaries')
  .showHelpAfterError();

try {
  const named = process.argv[2];
  const alias = named !== undefined && Object.hasOwn(DEPRECATED, named) ? named : undefined;
  if (alias) console.error(`ocpsum: "ocpsum ${alias}" is deprecated; use "ocpsum ${DEPRECATED[alias]}"`);
  const asked = alias ? DEPRECATED[alias] : named;
  const wanted = asked !== undefined && Object.hasOwn(COMMANDS, asked) ? [asked] : Object.keys(COMMANDS);
  for (const name of wanted) {
    const command = await COMMANDS[name]();
    program.addCommand(alias ? command.alias(alias) : command);
  }
  await program.parseAsync();
} catch (error) {
  // Users see what is wrong, not a stack trace; OCPSUM_DEBUG=1 shows the stack.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`ocpsum: error: ${message}`);
  if (process.env.OCPSUM_DEBUG && error instanceof Error) console.error(error.stack);
  process.exitCode = 1;
}
