/** A row of DuckDB's parquet_schema(): the footer's own description of a column. */
export interface ParquetSchemaRow {
  file_name: string;
  name: string;
  type: string | null;
  converted_type: string | null;
  logical_type: string | null;
  scale: number | bigint | null;
  precision: number | bigint | null;
  num_children: number | bigint | null;
}

/**
 * The DuckDB type a Parquet column reads as, named as DESCRIBE names it, for the physical,
 * converted and logical types a footer holds (only the cases the input checks tell apart).
 */
export function parquetColumnType(row: ParquetSchemaRow): string {
  const logical = row.logical_type ?? '';
  const converted = row.converted_type ?? '';
  if (row.num_children !== null && Number(row.num_children) > 0) return 'STRUCT';
  if (converted === 'DECIMAL' || logical.startsWith('DecimalType')) return `DECIMAL(${row.precision},${row.scale})`;
  switch (row.type) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'FLOAT':
      return 'FLOAT';
    case 'DOUBLE':
      return 'DOUBLE';
    case 'INT96':
      return 'TIMESTAMP';
    case 'INT32':
      if (converted === 'DATE' || logical.startsWith('DateType')) return 'DATE';
      if (converted.startsWith('TIME') || logical.startsWith('TimeType')) return 'TIME';
      return 'INTEGER';
    case 'INT64':
      if (logical.startsWith('TimestampType')) {
        return logical.includes('isAdjustedToUTC=1') ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP';
      }
      if (converted.startsWith('TIMESTAMP')) return 'TIMESTAMP';
      if (converted.startsWith('TIME') || logical.startsWith('TimeType')) return 'TIME';
      return 'BIGINT';
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      if (converted === 'UTF8' || converted === 'JSON' || converted === 'ENUM') return 'VARCHAR';
      if (/^(StringType|JSONType|EnumType)/.test(logical)) return 'VARCHAR';
      return 'BLOB';
    default:
      return row.type ?? 'NULL';
  }
}
