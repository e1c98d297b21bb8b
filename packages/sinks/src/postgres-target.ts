import type pg from 'pg';
import { redactUrl, validIdentifier } from '@ocpsum/core';
import { initTables } from './postgres-schema.js';

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
    validIdentifier(schema);
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
 * The driver loads here, at the first connection: a run without PostgreSQL never pays for it.
 */
export async function connectPostgres(target: PostgresTarget): Promise<pg.Client> {
  const { default: driver } = await import('pg');
  const client = new driver.Client({
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
