import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { redactUrl, sqlIdentifier, type RunSpec } from '@ocpsum/core';
import { copyCsv } from './csv.js';
import type { PreparedOutput, SummarySource } from './interfaces.js';
import { checkReferences } from './postgres-keys.js';
import { ensureMonthPartitions, type MonthPartition } from './postgres-partitions.js';
import { ensureSummaryTable, initTables, writtenColumns, type SummaryTable } from './postgres-schema.js';
import { distinctIntegers } from './summary-sql.js';

/**
 * A PostgreSQL target is ONE string, so it travels in job payloads like any other output:
 * `postgres://user[:password]@host[:port]/database?schema=NAME[&sslmode=…]` (or `postgresql://`).
 * `schema` is ocpsum's parameter (default `public`) and is removed before connecting; every other
 * query parameter is the driver's. `connect_timeout` (seconds, libpq's name) bounds the connect,
 * 5 s by default. A password can also come from PGPASSWORD or ~/.pgpass, which keeps it out of
 * job payloads and run records.
 */
export interface PostgresTarget {
  /** The target as given. */
  target: string;
  /** The target with its password replaced by `***`: the only form that appears in messages. */
  redacted: string;
  /** The connection string without ocpsum's own parameters. */
  connectionString: string;
  /** A validated identifier. */
  schema: string;
  connectTimeoutMs: number;
}

const SCHEME = /^postgres(?:ql)?:\/\//i;
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export function isPostgresTarget(target: string): boolean {
  return SCHEME.test(target);
}

/** Parses and validates a PostgreSQL target; throws a message naming the (redacted) target. */
export function parsePostgresTarget(target: string): PostgresTarget {
  const redacted = redactUrl(target);
  const fail = (reason: string) => new Error(`PostgreSQL target ${redacted}: ${reason}`);
  if (!isPostgresTarget(target)) throw fail('expected postgres://user@host:port/database?schema=NAME');
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw fail('not a valid URL (expected postgres://user@host:port/database?schema=NAME)');
  }
  const schemas = url.searchParams.getAll('schema');
  if (schemas.length > 1) throw fail('give the schema parameter once');
  const schema = schemas[0] ?? 'public';
  try {
    sqlIdentifier(schema);
  } catch (error) {
    throw fail(`schema: ${(error as Error).message}`);
  }
  let connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
  const timeout = url.searchParams.get('connect_timeout');
  if (timeout !== null) {
    if (!/^\d+$/.test(timeout) || Number(timeout) < 1)
      throw fail('connect_timeout must be a whole number of seconds ≥ 1');
    connectTimeoutMs = Number(timeout) * 1000;
  }
  url.searchParams.delete('schema');
  url.searchParams.delete('connect_timeout');
  // Unquoted identifiers fold to lower case in PostgreSQL; the catalog knows the folded name.
  return { target, redacted, connectionString: url.toString(), schema: schema.toLowerCase(), connectTimeoutMs };
}

/** The target for a URL and a schema (the `--pg URL --pg-schema NAME` flags). */
export function postgresTarget(url: string, schema?: string): string {
  const parsed = parsePostgresTarget(url);
  if (schema === undefined) return url;
  const inUrl = new URL(url).searchParams.get('schema');
  if (inUrl !== null && inUrl !== schema) {
    throw new Error(`PostgreSQL target ${parsed.redacted}: its schema=${inUrl} differs from --pg-schema ${schema}`);
  }
  const withSchema = new URL(url);
  withSchema.searchParams.set('schema', schema);
  const target = withSchema.toString();
  parsePostgresTarget(target);
  return target;
}

/** The reason of a driver or network error: Node's AggregateError (IPv4 and IPv6 refused) has no message of its own. */
export function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const nested = (error as { errors?: unknown[] }).errors;
  let reason = error.message;
  if (!reason && Array.isArray(nested) && nested.length) reason = nested.map((e) => reasonOf(e)).join('; ');
  if (!reason) reason = (error as { code?: string }).code ?? error.name;
  const code = (error as { code?: string }).code;
  if (code === 'ECONNRESET' || code === 'EPIPE' || reason === 'Connection terminated unexpectedly')
    reason = `connection lost: ${reason}`;
  const detail = (error as { detail?: string }).detail;
  return detail ? `${reason} (${detail})` : reason;
}

/**
 * Connects with a bounded connect time. Connection-level errors after connecting (a backend
 * killed, the server gone) reject the query in flight; the 'error' event is kept from crashing.
 */
export async function connectPostgres(target: PostgresTarget): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: target.connectionString,
    connectionTimeoutMillis: target.connectTimeoutMs,
    keepAlive: true,
    application_name: 'ocpsum',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await closeClient(client);
    throw new Error(`cannot connect: ${reasonOf(error)}`);
  }
  return client;
}

/** Ends a connection; a connection that does not end in time is torn down. Never throws. */
export async function closeClient(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    client.end().then(
      () => true,
      () => false,
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 2000))),
  ]);
  clearTimeout(timer);
  if (!ended) (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks what can be checked before connecting: the target and the source uuid. */
export function checkPostgresTarget(target: string, source: string): PostgresTarget {
  const parsed = parsePostgresTarget(target);
  if (!UUID.test(source)) {
    throw new Error(
      `PostgreSQL sink ${parsed.redacted}: source "${source}" is not a uuid; koku's source_uuid column is of type uuid`,
    );
  }
  return parsed;
}

/**
 * Prepares the replacement of the run's rows in koku's daily summary table, not committed:
 * connect; create the table if missing (koku's shape); check the report period and cost
 * categories the rows reference; give the window's months their partitions (own short transaction,
 * see postgres-partitions.ts); have DuckDB write the rows, a fresh `uuid()` each, as CSV into a
 * temporary file; then BEGIN, lock the (table, source) against concurrent ocpsum writers, DELETE
 * the source's summary rows in the window with koku's predicate, and stream the file into
 * `COPY … FROM STDIN` (no row is held in JavaScript). `commit` is COMMIT and `abort` is ROLLBACK.
 * Under READ COMMITTED (PostgreSQL's default) other sessions see the old rows until COMMIT and the
 * new rows after it: never a gap, never both. Any failure rolls back (a lost connection rolls back
 * on the server) and names the sink.
 */
export async function preparePostgres(
  target: string,
  source: SummarySource,
  spec: RunSpec,
): Promise<PreparedOutput & { detail: string }> {
  const parsed = checkPostgresTarget(target, spec.source);
  const fail = (error: unknown, step?: string) =>
    new Error(`PostgreSQL sink ${parsed.redacted}: ${step ? `${step}: ` : ''}${reasonOf(error)}`);
  let client: pg.Client;
  try {
    client = await connectPostgres(parsed);
  } catch (error) {
    throw fail(error);
  }
  let deleted = 0;
  let copied = 0;
  let partitions: MonthPartition[] = [];
  let folder: string | undefined;
  try {
    const table = await ensureSummaryTable(client, parsed.schema);
    const columns = writtenColumns(table, spec.byPod);
    // Before anything changes: a bad id fails the run with the table's rows and partitions as they were.
    await checkReferences(client, table, spec.reportPeriodId, await distinctIntegers(source, 'cost_category_id'));
    partitions = await ensureMonthPartitions(client, table, spec.startDate, spec.endDate);
    // Written before the transaction begins, which then holds its lock only while the rows are copied.
    // COPY's CSV reads NULL as an empty unquoted field and an empty string as `""`, as DuckDB writes them.
    folder = await mkdtemp(join(tmpdir(), 'ocpsum-pg-'));
    const rows = join(folder, 'rows.csv');
    await copyCsv(source, columns, rows, { header: false, lead: ['uuid() AS uuid'] });
    await client.query('BEGIN');
    // Two runs of one source would otherwise each delete only the rows they can see and both insert.
    await client.query("SET LOCAL lock_timeout = '300s'");
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `ocpsum ${table.name} ${spec.source}`,
    ]);
    // koku declares its foreign keys deferred: checked at each statement's end instead, so that a
    // period deleted since the check fails the COPY, never the COMMIT (other outputs are committed by then).
    await client.query('SET CONSTRAINTS ALL IMMEDIATE');
    const { text, values } = deleteStatement(table, spec);
    deleted = (await client.query(text, values)).rowCount ?? 0;
    const copy = client.query(
      copyFrom(
        `COPY ${table.name} (uuid, ${columns.map((c) => sqlIdentifier(c)).join(', ')}) FROM STDIN WITH (FORMAT csv)`,
      ),
    );
    await pipeline(createReadStream(rows), copy);
    copied = copy.rowCount;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    await closeClient(client);
    throw fail(error);
  } finally {
    if (folder) await rm(folder, { recursive: true, force: true });
  }
  let open = true;
  const created = partitions.filter((p) => p.state === 'created').map((p) => `; created partition ${p.name}`);
  const aside = partitions.filter((p) => p.state === 'skipped').map((p) => `; no partition ${p.name} (${p.note})`);
  return {
    target: parsed.redacted,
    detail: `replaced ${deleted} rows with ${copied}${created.join('')}${aside.join('')}`,
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

/** `ocpsum pg init`: koku's summary and reference tables (empty) in the target's schema, idempotently. */
export async function initPostgres(target: string): Promise<{ schema: string; created: string[]; existed: string[] }> {
  const parsed = parsePostgresTarget(target);
  let client: pg.Client;
  try {
    client = await connectPostgres(parsed);
  } catch (error) {
    throw new Error(`PostgreSQL ${parsed.redacted}: ${reasonOf(error)}`);
  }
  try {
    return { schema: parsed.schema, ...(await initTables(client, parsed.schema)) };
  } catch (error) {
    throw new Error(`PostgreSQL ${parsed.redacted}: ${reasonOf(error)}`);
  } finally {
    await closeClient(client);
  }
}

/**
 * Connects once to each PostgreSQL target among `targets`, so that a run which writes from this
 * process fails on an unreachable server in seconds, before summarizing anything.
 */
export async function checkPostgresReachable(targets: readonly string[]): Promise<void> {
  await Promise.all(
    targets.filter(isPostgresTarget).map(async (target) => {
      const parsed = parsePostgresTarget(target);
      try {
        await closeClient(await connectPostgres(parsed));
      } catch (error) {
        throw new Error(`PostgreSQL sink ${parsed.redacted}: ${reasonOf(error)}`);
      }
    }),
  );
}
