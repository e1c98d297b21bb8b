import { InvalidArgumentError, Option, type Command } from 'commander';
import { runSpec, type Reference, type RunSpec } from '@ocpsum/core';
import { LAYOUTS, type Dataset, type Layout } from '@ocpsum/input';
import { checkPostgresTarget, isPostgresTarget, postgresTarget, readPostgresReference } from '@ocpsum/sinks';
import { loadReference } from './reference.js';

export const DEFAULT_ORG = 'org1234567';
export const DEFAULT_SOURCE = '6b2c0e7a-1f4d-4c55-9a3e-0c5e8d1a2b3c';

export function integer(name: string, min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/**
 * A size for DuckDB's `memory_limit`: a number and a unit, `512MB` or `2GiB`. Checked here so that
 * a typo is the flag's error, not the engine's at start-up.
 */
export function memorySize(name: string) {
  return (value: string) => {
    if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(value.trim()))
      throw new InvalidArgumentError(`${name} must be a size such as 512MB or 2GiB, got "${value}"`);
    return value.trim();
  };
}

/** `--layout`: which bucket layout to read or write (docs/rules.md §1). */
export function layoutOption(description: string): Option {
  return new Option('--layout <layout>', description).choices(LAYOUTS);
}

/** The flags that name a dataset and shape its summary, shared by `run` and `enqueue`. */
export function addDatasetOptions(command: Command): Command {
  return command
    .requiredOption('--root <dir>', 'dataset root: a local folder or s3://bucket/prefix holding data/…')
    .addOption(layoutOption('bucket layout to read: masu (koku) or poc; found by itself unless both are there'))
    .addOption(new Option('--org <org>', 'organization id').default(DEFAULT_ORG))
    .addOption(new Option('--source <uuid>', 'source (cluster) uuid').default(DEFAULT_SOURCE))
    .requiredOption('--year <yyyy>', 'year of the month to summarize', integer('--year', 1970, 9999))
    .requiredOption('--month <mm>', 'month to summarize (1-12)', integer('--month', 1, 12))
    .option('--start-date <date>', 'first day of the window (YYYY-MM-DD); default: first of the month')
    .option('--end-date <date>', 'last day of the window (YYYY-MM-DD); default: last of the month')
    .option(
      '--reference <file>',
      "YAML or JSON file (enabled_keys, cost_categories, node_roles); or pg: koku's tables in --pg-schema; or postgres://…?schema=NAME",
    )
    .option('--cluster-id <id>', 'cluster id written on every row (default: the source uuid)')
    .option('--cluster-alias <name>', 'cluster alias written on every row (default: the cluster id)')
    .option(
      '--report-period-id <n>',
      'koku report period id written on every row',
      integer('--report-period-id', 0, 2 ** 31 - 1),
    )
    .option('--by-pod', 'group pod rows by pod as well (newer koku releases)', false)
    .option(
      '--pg <url>',
      "PostgreSQL postgres://user@host:port/db: an output (koku's summary table), and where --reference pg reads",
    )
    .option('--pg-schema <name>', "schema for --pg (default: the URL's ?schema=, else public)")
    .hook('preAction', (command) => addPostgresOutput(command));
}

/**
 * `--pg URL [--pg-schema NAME]` is one more output, `postgres://…?schema=NAME`: the same string
 * as `--out postgres://…`, so it travels in job payloads. PostgreSQL targets are checked here,
 * before any work, so a bad URL, schema or source fails at once and touches nothing.
 */
function addPostgresOutput(command: Command): void {
  const flags = command.opts<DatasetFlags & { out?: string[] }>();
  if (flags.pgSchema !== undefined && flags.pg === undefined) throw new Error('--pg-schema needs --pg URL');
  const outputs = [...(flags.out ?? [])];
  if (flags.pg !== undefined) outputs.push(postgresTarget(flags.pg, flags.pgSchema));
  if (!outputs.length) throw new Error('give at least one --out (or --pg URL)');
  for (const target of outputs) if (isPostgresTarget(target)) checkPostgresTarget(target, flags.source);
  command.setOptionValue('out', outputs);
}

export interface DatasetFlags {
  root: string;
  layout?: Layout;
  org: string;
  source: string;
  year: number;
  month: number;
  startDate?: string;
  endDate?: string;
  reference?: string;
  clusterId?: string;
  clusterAlias?: string;
  reportPeriodId?: number;
  byPod: boolean;
  pg?: string;
  pgSchema?: string;
}

export async function specFromFlags(flags: DatasetFlags): Promise<RunSpec> {
  const reference: Reference | undefined = flags.reference ? await referenceFrom(flags) : undefined;
  try {
    return runSpec({
      org: flags.org,
      source: flags.source,
      year: flags.year,
      month: flags.month,
      startDate: flags.startDate,
      endDate: flags.endDate,
      clusterId: flags.clusterId,
      clusterAlias: flags.clusterAlias,
      reportPeriodId: flags.reportPeriodId,
      byPod: flags.byPod,
      reference,
    });
  } catch (error) {
    const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
    if (!issues) throw error;
    throw new Error(
      issues
        .map((i) => `--${String(i.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`)
        .join('; '),
    );
  }
}

/** `--reference FILE`, `--reference pg` (with --pg/--pg-schema) or `--reference postgres://…?schema=NAME`. */
async function referenceFrom(flags: DatasetFlags): Promise<Reference> {
  const source = flags.reference!;
  let target: string;
  if (source === 'pg') {
    if (flags.pg === undefined) throw new Error('--reference pg needs --pg URL (and --pg-schema NAME)');
    target = postgresTarget(flags.pg, flags.pgSchema);
  } else if (isPostgresTarget(source)) {
    target = source;
  } else {
    return loadReference(source);
  }
  const { reference, warnings } = await readPostgresReference(target);
  for (const warning of warnings) console.error(`ocpsum: warning: ${warning}`);
  return reference;
}

/** Says, on stderr, which layout a dataset was found in and what under it is not read. */
export function reportDataset(dataset: Dataset): void {
  console.error(`ocpsum: reading the ${dataset.layout} layout at ${dataset.location}`);
  for (const warning of dataset.warnings) console.error(`ocpsum: warning: ${warning}`);
}
