/** Test-only: rows written straight into the partial tables of the contract (`PARTIAL_TABLES`). */
import { DuckDBDateValue, DuckDBTimestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { PARTIAL_TABLES, type PartialTableName } from '@ocpsum/kernel';

type Value = string | number | boolean | null;

/** Appends rows given in the table's column order, converting each value to its column's type. */
export async function appendRows(db: DuckDBConnection, schema: string, table: PartialTableName, rows: Value[][]) {
  const types = Object.values(PARTIAL_TABLES[table].columns).map((c) => c.type);
  const appender = await db.createAppender(table, schema);
  try {
    for (const row of rows) {
      if (row.length !== types.length) throw new Error(`${table}: ${row.length} values for ${types.length} columns`);
      row.forEach((value, i) => appendValue(appender, types[i], value));
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

function appendValue(appender: DuckDBAppender, type: string, value: Value): void {
  if (value === null) return appender.appendNull();
  switch (type) {
    case 'DATE':
      return appender.appendDate(new DuckDBDateValue(Date.parse(`${value as string}T00:00:00Z`) / 86_400_000));
    case 'TIMESTAMP':
      // Epoch microseconds (the partial tables' `interval` columns); a string is parsed as UTC.
      return appender.appendTimestamp(
        new DuckDBTimestampValue(
          typeof value === 'number' ? BigInt(Math.round(value)) : BigInt(Date.parse(`${value}Z`)) * 1000n,
        ),
      );
    case 'VARCHAR':
      return appender.appendVarchar(value as string);
    case 'DOUBLE':
      return appender.appendDouble(value as number);
    case 'BOOLEAN':
      return appender.appendBoolean(value as boolean);
    case 'BIGINT':
      return appender.appendBigInt(BigInt(value as number));
    default:
      throw new Error(`no appender for ${type}`);
  }
}
