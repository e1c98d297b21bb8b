import { Command } from 'commander';
import { redactUrl } from '@ocpsum/core';
import { initPostgres, postgresTarget } from '@ocpsum/sinks';

interface PgInitFlags {
  pg: string;
  pgSchema?: string;
}

/** `ocpsum pg init`: koku's tables for a new installation. */
export function pgCommand(): Command {
  const init = new Command('init')
    .description("create the schema, koku's daily summary table and the three reference tables (empty), if missing")
    .requiredOption('--pg <url>', 'PostgreSQL postgres://user@host:port/db (a password may come from PGPASSWORD)')
    .option('--pg-schema <name>', "schema (default: the URL's ?schema=, else public)")
    .action(async (flags: PgInitFlags) => {
      const target = postgresTarget(flags.pg, flags.pgSchema);
      const { schema, created, existed } = await initPostgres(target);
      console.log(`PostgreSQL ${redactUrl(target)}: schema ${schema} ready`);
      for (const table of created) console.log(`  created  ${schema}.${table}`);
      for (const table of existed) console.log(`  existed  ${schema}.${table}`);
    });
  return new Command('pg').description("PostgreSQL: koku's tables").addCommand(init);
}
