import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { validIdentifier, type RunSpec, type SummaryRow } from '@ocpsum/core';
import { copyCsv } from './csv.js';
import type { Sink } from './interfaces.js';
import { checkReferences } from './postgres-keys.js';
import { ensureMonthPartitions } from './postgres-partitions.js';
import { ensureSummaryTable, writtenColumns, type SummaryTable } from './postgres-schema.js';
import { checkPostgresTarget, closeClient, connectPostgres, reasonOf } from './postgres-target.js';
import { distinctIntegers, summaryDays } from './summary-sql.js';

/**
 * koku's daily summary table as an output (see postgres-target.ts for the target string).
 *
 * Stage: the part's rows, a fresh `uuid()` each, go into an UNLOGGED staging table beside the
 * summary (`ocpsum_stage_{staging id}`, the summary's column types, no constraints): DuckDB writes
 * them as CSV into a temporary file that is streamed into `COPY … FROM STDIN` (no row is held in
 * JavaScript). A part staged again (a retried day) replaces its days' staged rows. The report
 * period and cost categories the rows reference are checked first, so a bad id fails the run
 * before anything changes.
 *
 * Prepare: the window's months get their partitions (own short transaction, see
 * postgres-partitions.ts); then BEGIN, lock the (table, source) against concurrent ocpsum writers,
 * DELETE the source's summary rows in the window with koku's predicate, INSERT the staged rows and
 * drop the staging table. Commit is COMMIT and abort is ROLLBACK (the staged rows stay for a retry).
 * Under READ COMMITTED (PostgreSQL's default) other sessions see the old rows until COMMIT and the
 * new rows after it: never a gap, never both. Any failure rolls back and names the sink.
 */
export function postgresSink(target: string, spec: RunSpec): Sink {
  const parsed = checkPostgresTarget(target, spec.source);
  const fail = (error: unknown, step?: string) =>
    new Error(`PostgreSQL sink ${parsed.redacted}: ${step ? `${step}: ` : ''}${reasonOf(error)}`);
  const connect = async () => {
    try {
      return await connectPostgres(parsed);
    } catch (error) {
      throw fail(error);
    }
  };
  const stagingTable = (table: SummaryTable, id: string) =>
    `${validIdentifier(table.schema)}.${validIdentifier(`ocpsum_stage_${id}`)}`;

  return {
    async stage(source, staging) {
      const client = await connect();
      let folder: string | undefined;
      try {
        const table = await ensureSummaryTable(client, parsed.schema);
        const columns = writtenColumns(table, spec.byPod).map((c) => validIdentifier(c));
        await checkReferences(client, table, spec.reportPeriodId, await distinctIntegers(source, 'cost_category_id'));
        const stage = stagingTable(table, staging.id);
        // The parts of a run stage at once: one of them creates the table.
        await inTransaction(client, async () => {
          await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`ocpsum ${stage}`]);
          await client.query(
            `CREATE UNLOGGED TABLE IF NOT EXISTS ${stage} AS SELECT uuid, ${columns.join(', ')} FROM ${table.name} WITH NO DATA`,
          );
        });
        // COPY's CSV reads NULL as an empty unquoted field and an empty string as `""`, as DuckDB writes them.
        folder = await mkdtemp(join(tmpdir(), 'ocpsum-pg-'));
        const rows = join(folder, 'rows.csv');
        await copyCsv(source, writtenColumns(table, spec.byPod), rows, { lead: ['uuid() AS uuid'] });
        const days = await summaryDays(source);
        await inTransaction(client, async () => {
          if (days.length) {
            await client.query(`DELETE FROM ${stage} WHERE usage_start BETWEEN $1 AND $2`, [days[0], days.at(-1)]);
          }
          const { from: copyFrom } = await import('pg-copy-streams');
          const copy = client.query(
            copyFrom(`COPY ${stage} (uuid, ${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`),
          );
          await pipeline(createReadStream(rows), copy);
        });
        return [];
      } catch (error) {
        throw fail(error);
      } finally {
        if (folder) await rm(folder, { recursive: true, force: true });
        await closeClient(client);
      }
    },

    async discard(id) {
      const client = await connect();
      try {
        const table = await ensureSummaryTable(client, parsed.schema);
        await client.query(`DROP TABLE IF EXISTS ${stagingTable(table, id)}`);
      } finally {
        await closeClient(client);
      }
    },

    async prepare(_files, _read, staging) {
      const client = await connect();
      let summary: { deleted: number; inserted: number; partitions: string[] };
      try {
        const table = await ensureSummaryTable(client, parsed.schema);
        const columns = writtenColumns(table, spec.byPod);
        const partitions = await ensureMonthPartitions(client, table, spec.startDate, spec.endDate);
        await client.query('BEGIN');
        summary = { ...(await replaceRows(client, table, columns, stagingTable(table, staging.id), spec)), partitions: [] };
        for (const p of partitions) {
          if (p.state === 'created') summary.partitions.push(`; created partition ${p.name}`);
          if (p.state === 'skipped') summary.partitions.push(`; no partition ${p.name} (${p.note})`);
        }
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        await closeClient(client);
        throw fail(error);
      }
      let open = true;
      return {
        target: parsed.redacted,
        detail: `replaced ${summary.deleted} rows with ${summary.inserted}${summary.partitions.join('')}`,
        async commit() {
          open = false;
          try {
            await client.query('COMMIT');
          } catch (error) {
            throw fail(error, 'COMMIT');
          } finally {
            await closeClient(client);
          }
        },
        async abort() {
          if (!open) return;
          open = false;
          await client.query('ROLLBACK').catch(() => undefined);
          await closeClient(client);
        },
      };
    },
  };
}

/** Inside an open transaction: the source's rows of the window replaced by the staged ones, the staging table dropped. */
async function replaceRows(
  client: pg.Client,
  table: SummaryTable,
  columns: readonly (keyof SummaryRow)[],
  stage: string,
  spec: RunSpec,
): Promise<{ deleted: number; inserted: number }> {
  // Two runs of one source would otherwise each delete only the rows they can see and both insert.
  await client.query("SET LOCAL lock_timeout = '300s'");
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`ocpsum ${table.name} ${spec.source}`]);
  // koku declares its foreign keys deferred: checked at each statement's end instead, so that a
  // period deleted since the check fails the INSERT, never the COMMIT (other outputs are committed by then).
  await client.query('SET CONSTRAINTS ALL IMMEDIATE');
  const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [stage]);
  if (rows[0].found === null) throw new Error(`no staged rows (${stage} is missing): stage the run's parts first`);
  const { text, values } = deleteStatement(table, spec);
  const deleted = (await client.query(text, values)).rowCount ?? 0;
  const list = `uuid, ${columns.map((c) => validIdentifier(c)).join(', ')}`;
  const inserted = (await client.query(`INSERT INTO ${table.name} (${list}) SELECT ${list} FROM ${stage}`)).rowCount ?? 0;
  await client.query(`DROP TABLE ${stage}`);
  return { deleted, inserted };
}

async function inTransaction(client: pg.Client, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * koku's replacement of a source's summary (`delete_all_except_infrastructure_raw_cost_from_daily_summary`):
 * the window's rows of the report period, except those whose infrastructure_raw_cost is set and not
 * 0 — the OCP-on-cloud rows, which koku's cloud stage writes and keeps. ocpsum adds `source_uuid`
 * (a report period is one source's; without a period the source is all there is), and with a period
 * also removes the source's rows that have none (written by ocpsum without --report-period-id;
 * koku writes none), so switching to a period does not leave a second copy. A table without
 * infrastructure_raw_cost (an earlier ocpsum's) holds no OCP-on-cloud rows.
 */
export function deleteStatement(table: SummaryTable, spec: RunSpec): { text: string; values: unknown[] } {
  const values: unknown[] = [spec.source, spec.startDate, spec.endDate];
  let text = `DELETE FROM ${table.name} WHERE usage_start BETWEEN $2 AND $3 AND source_uuid = $1`;
  if (spec.reportPeriodId !== null) {
    values.push(spec.reportPeriodId);
    text += ' AND (report_period_id = $4 OR report_period_id IS NULL)';
  }
  if (table.columns.has('infrastructure_raw_cost'))
    text += ' AND (infrastructure_raw_cost IS NULL OR infrastructure_raw_cost = 0)';
  return { text, values };
}

