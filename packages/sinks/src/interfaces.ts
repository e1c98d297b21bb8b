import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * The summary the sinks write: a DuckDB table (or view) whose columns are exactly core's
 * `SUMMARY_COLUMNS`, in that order, `pod` included (NULL unless by pod), typed as
 * `SUMMARY_SQL_TYPES` says (integer → INTEGER, text and json → VARCHAR, date → DATE,
 * number → DOUBLE). The sinks only read it, one statement at a time on `db`.
 */
export interface SummarySource {
  db: DuckDBConnection;
  /** A table name as DuckDB reads it: an identifier, optionally `schema.name`. */
  table: string;
}

/** An output written aside, made visible by commit or thrown away by abort. */
export interface PreparedOutput {
  target: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
  /** What the output did, for the run's report (e.g. rows replaced). */
  detail?: string;
}

/** One output of `writeOutputs`: its target (password redacted), time taken and what it did. */
export interface OutputTiming {
  target: string;
  ms: number;
  detail?: string;
}
