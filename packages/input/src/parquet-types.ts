import type { SchemaElement } from 'hyparquet';

/**
 * The DuckDB type a Parquet column reads as, named as DuckDB's DESCRIBE names it, from the
 * physical, converted and logical types of its schema element (only the cases the input checks
 * tell apart). Messages name types this way, and the kernel reads interval_start by it.
 */
export function duckType(element: SchemaElement): string {
  const logical = element.logical_type;
  const converted = element.converted_type;
  if (element.num_children) return 'STRUCT';
  if (logical?.type === 'NULL') return 'NULL';
  if (converted === 'DECIMAL' || logical?.type === 'DECIMAL') return `DECIMAL(${element.precision},${element.scale})`;
  switch (element.type) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'FLOAT':
      return 'FLOAT';
    case 'DOUBLE':
      return 'DOUBLE';
    case 'INT96':
      return 'TIMESTAMP';
    case 'INT32':
      if (converted === 'DATE' || logical?.type === 'DATE') return 'DATE';
      if (converted?.startsWith('TIME') || logical?.type === 'TIME') return 'TIME';
      return 'INTEGER';
    case 'INT64':
      if (logical?.type === 'TIMESTAMP') return logical.isAdjustedToUTC ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP';
      if (converted?.startsWith('TIMESTAMP')) return 'TIMESTAMP';
      if (converted?.startsWith('TIME') || logical?.type === 'TIME') return 'TIME';
      return 'BIGINT';
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      if (converted === 'UTF8' || converted === 'JSON' || converted === 'ENUM') return 'VARCHAR';
      if (logical?.type === 'STRING' || logical?.type === 'JSON' || logical?.type === 'ENUM') return 'VARCHAR';
      return 'BLOB';
    default:
      return 'NULL';
  }
}
