import type pg from 'pg';
import { validIdentifier } from '@ocpsum/core';
import type { SummaryTable } from './postgres-schema.js';

/** koku's report period table, which the summary's `report_period_id` references. */
export const REPORT_PERIOD_TABLE = 'reporting_ocpusagereportperiod';

interface Reference {
  /** `schema.table`, validated identifiers. */
  table: string;
  column: string;
}

/** The single-column foreign keys of the summary table, by column. */
async function foreignKeys(client: pg.Client, table: SummaryTable): Promise<Map<string, Reference>> {
  const { rows } = await client.query<{ column: string; schema: string; table: string; ref_column: string }>(
    `SELECT a.attname AS column, rn.nspname AS schema, rc.relname AS table, ra.attname AS ref_column
     FROM pg_constraint k
     JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
     JOIN pg_class rc ON rc.oid = k.confrelid
     JOIN pg_namespace rn ON rn.oid = rc.relnamespace
     JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = k.confkey[1]
     WHERE k.conrelid = $1::oid AND k.contype = 'f' AND cardinality(k.conkey) = 1`,
    [table.oid],
  );
  return new Map(
    rows.map((r) => [
      r.column,
      { table: `${validIdentifier(r.schema)}.${validIdentifier(r.table)}`, column: validIdentifier(r.ref_column) },
    ]),
  );
}

/** The values among `values` that `reference` does not hold. */
async function absent(client: pg.Client, reference: Reference, values: number[]): Promise<number[]> {
  const { rows } = await client.query<{ v: number }>(
    `SELECT v FROM unnest($1::int[]) AS v
     WHERE NOT EXISTS (SELECT 1 FROM ${reference.table} r WHERE r.${reference.column} = v) ORDER BY v`,
    [values],
  );
  return rows.map((r) => r.v);
}

/**
 * Checks, before anything is deleted, that the rows' report period and cost categories exist where
 * the table's foreign keys say (koku's: `reporting_ocpusagereportperiod.id`,
 * `reporting_ocp_cost_category.id`; koku declares them deferred, so a bad id would otherwise only
 * fail at COMMIT). A table without the report period key is still checked against
 * `reporting_ocpusagereportperiod` when the schema has one. `costCategoryIds`: the distinct ids the
 * rows hold. Throws a message naming the id and the table.
 */
export async function checkReferences(
  client: pg.Client,
  table: SummaryTable,
  reportPeriodId: number | null,
  costCategoryIds: readonly number[],
): Promise<void> {
  const keys = await foreignKeys(client, table);
  if (reportPeriodId !== null) {
    let period = keys.get('report_period_id');
    if (!period) {
      const name = `${validIdentifier(table.schema)}.${REPORT_PERIOD_TABLE}`;
      const { rows: found } = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
        name,
      ]);
      if (found[0].found !== null) period = { table: name, column: 'id' };
    }
    if (period && (await absent(client, period, [reportPeriodId])).length) {
      throw new Error(
        `report period ${reportPeriodId} is not in ${period.table} (no row with ${period.column} = ${reportPeriodId}); ` +
          `report_period_id must name one of koku's report periods: give --report-period-id of the source's period, or none`,
      );
    }
  }
  const category = keys.get('cost_category_id');
  if (category) {
    const missing = costCategoryIds.length ? await absent(client, category, [...costCategoryIds]) : [];
    if (missing.length) {
      throw new Error(
        `cost category id ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in ${category.table} ` +
          `(cost_category_id references its ${category.column}): take the cost categories from koku (--reference pg)`,
      );
    }
  }
}
