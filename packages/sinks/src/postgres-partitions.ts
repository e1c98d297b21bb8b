import type pg from 'pg';
import { validIdentifier } from '@ocpsum/core';
import {
  createPartition,
  hasPartitionTracking,
  monthPartitionName,
  partitionNames,
  type SummaryTable,
} from './postgres-schema.js';

/** The first day of each month from the one of `start` to the one of `end` (YYYY-MM-DD), and the next month's. */
export function monthsOf(start: string, end: string): { from: string; to: string }[] {
  const months: { from: string; to: string }[] = [];
  let year = Number(start.slice(0, 4));
  let month = Number(start.slice(5, 7));
  const last = end.slice(0, 7);
  const first = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}-01`;
  for (;;) {
    const from = first(year, month);
    if (from.slice(0, 7) > last) return months;
    if (++month > 12) [year, month] = [year + 1, 1];
    months.push({ from, to: first(year, month) });
  }
}

/** What became of each month of a window: its partition was there, was created, or was not (`note` says why and where its rows go). */
export interface MonthPartition {
  name: string;
  state: 'present' | 'created' | 'skipped';
  note?: string;
}

const IN_DEFAULT = 'the default partition holds rows of the month: its rows go there';

/** PostgreSQL's codes for a partition that cannot be created now, and where the month's rows go instead. */
const CANNOT_CREATE: Record<string, string> = {
  // The bounds overlap a partition of another name.
  '42P17': 'its bounds overlap another partition: its rows go where PostgreSQL routes them',
  '23514': IN_DEFAULT,
  '55P03': 'the table stayed locked by other sessions for 30 s: its rows go to the default partition',
};

/**
 * Gives every month of the window its monthly partition, as koku does before it summarizes
 * (`_handle_partitions`): registered in `partitioned_tables` where the schema has it, created with
 * `CREATE TABLE … PARTITION OF` where it does not. Runs in its own short transaction before the
 * rows are replaced: creating a partition locks the whole table, which the replacement must not
 * hold while its COPY runs; an empty partition is harmless if the replacement then fails. ocpsum
 * writers of one table take turns (advisory lock); a partition that another writer (koku) created
 * meanwhile is found by name. A month whose rows the default partition already holds keeps them
 * there and gets no partition (koku moves such rows when it makes the partition; ocpsum does not
 * move other writers' rows); so does a month whose bounds overlap a partition of another name (its
 * rows go there) or whose table stays locked for 30 s (its rows go to the default partition). Without
 * a default partition, rows of a month no partition covers fail the COPY, naming the month.
 */
export async function ensureMonthPartitions(
  client: pg.Client,
  table: SummaryTable,
  start: string,
  end: string,
): Promise<MonthPartition[]> {
  if (table.partitionColumn === null) return [];
  const months = monthsOf(start, end).map((m) => ({ ...m, name: monthPartitionName(m.from) }));
  const present = await partitionNames(client, table);
  if (months.every((m) => present.has(m.name))) return months.map((m) => ({ name: m.name, state: 'present' }));

  const tracking = await hasPartitionTracking(client, table.schema);
  const column = validIdentifier(table.partitionColumn);
  const result: MonthPartition[] = [];
  await client.query('BEGIN');
  try {
    await client.query("SET LOCAL lock_timeout = '30s'");
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`ocpsum partitions ${table.name}`]);
    const now = await partitionNames(client, table);
    for (const month of months) {
      if (now.has(month.name)) {
        result.push({ name: month.name, state: 'present' });
        continue;
      }
      if (table.defaultPartition !== null) {
        const { rows } = await client.query<{ found: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM ${validIdentifier(table.schema)}.${validIdentifier(table.defaultPartition)}
                          WHERE ${column} >= $1 AND ${column} < $2) AS found`,
          [month.from, month.to],
        );
        if (rows[0].found) {
          result.push({ name: month.name, state: 'skipped', note: IN_DEFAULT });
          continue;
        }
      }
      await client.query('SAVEPOINT ocpsum_partition');
      try {
        await createPartition(client, table, month, tracking);
        await client.query('RELEASE SAVEPOINT ocpsum_partition');
        result.push({ name: month.name, state: 'created' });
      } catch (error) {
        const note = CANNOT_CREATE[(error as { code?: string }).code ?? ''];
        if (note === undefined) throw error;
        await client.query('ROLLBACK TO SAVEPOINT ocpsum_partition');
        result.push({ name: month.name, state: 'skipped', note });
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return result;
}
