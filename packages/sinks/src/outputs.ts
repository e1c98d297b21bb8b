import type { RunSpec } from '@ocpsum/core';
import { prepareCsv } from './csv.js';
import type { OutputTiming, PreparedOutput, SummarySource } from './interfaces.js';
import { prepareParquet } from './parquet.js';
import { prepareParquetDays } from './parquet-days.js';
import { isPostgresTarget, preparePostgres } from './postgres.js';
import { checkSummarySource } from './summary-sql.js';

/**
 * Writes the summary table to every target, whole or not at all: all outputs are prepared first,
 * and only when every one succeeded are they committed. A target is `FILE.csv`, `FILE.parquet`, a
 * `postgres://…?schema=NAME` URL (koku's table, see postgres.ts), or a folder (or `s3://…`) that
 * receives Parquet in the Hive layout `source=/year=/month=/day=/`. DuckDB writes every output
 * from the table; no row becomes a JavaScript object.
 *
 * PostgreSQL is the one output that can still be rolled back after its commit step began for the
 * others, so it is prepared last (its transaction stays open the shortest time, and a failed file
 * never touches it) and committed last (a failed commit of a file or folder rolls it back).
 * A failed commit aborts every output not yet committed and says which ones were.
 */
export async function writeOutputs(
  targets: readonly string[],
  source: SummarySource,
  spec: RunSpec,
): Promise<OutputTiming[]> {
  const ordered = [...targets.filter((t) => !isPostgresTarget(t)), ...targets.filter(isPostgresTarget)];
  const prepared: PreparedOutput[] = [];
  const times: number[] = [];
  try {
    for (const target of ordered) {
      const started = performance.now();
      prepared.push(await prepareOutput(target, source, spec));
      times.push(performance.now() - started);
    }
  } catch (error) {
    await Promise.all(prepared.map((p) => p.abort().catch(() => undefined)));
    throw error;
  }
  for (let i = 0; i < prepared.length; i++) {
    const started = performance.now();
    try {
      await prepared[i].commit();
    } catch (error) {
      // The failed one too: a file whose rename failed still has its temporary copy.
      await Promise.all(prepared.slice(i).map((p) => p.abort().catch(() => undefined)));
      if (i === 0 || !(error instanceof Error)) throw error;
      error.message += ` (already committed: ${prepared
        .slice(0, i)
        .map((p) => p.target)
        .join(', ')})`;
      throw error;
    }
    times[i] += performance.now() - started;
  }
  return prepared.map((p, i) => ({ target: p.target, ms: times[i], detail: p.detail }));
}

/** One output of `writeOutputs`, written aside: visible after `commit`, gone after `abort`. */
export async function prepareOutput(target: string, source: SummarySource, spec: RunSpec): Promise<PreparedOutput> {
  await checkSummarySource(source);
  if (isPostgresTarget(target)) return preparePostgres(target, source, spec);
  if (target.endsWith('.csv')) return prepareCsv(target, source, spec);
  if (target.endsWith('.parquet')) return prepareParquet(target, source, spec);
  return prepareParquetDays(target, source, spec);
}
