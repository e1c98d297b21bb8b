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

/** A DuckDB connection opened on first call: a commit that reads no staged Parquet loads no engine. */
export type Connect = () => Promise<DuckDBConnection>;

/**
 * Where the parts of one run's outputs wait for their commit. Every part of a run names the same
 * `id`; `folder` is local to the process that stages or commits (the fleet carries the files
 * between the two).
 */
export interface Staging {
  /** Letters, digits and `_` (it names PostgreSQL's staging table). */
  id: string;
  folder: string;
  /** The one part is the whole summary: a file output stages it as the file itself, moved into place on commit. */
  whole?: boolean;
  /**
   * At commit, where the staged files are when the run carried them elsewhere (the fleet: Redis):
   * a target's (its index among the outputs) file, streamed. Without it they are in `folder`.
   */
  carried?: (target: number, file: string) => AsyncIterable<Uint8Array>;
}

/** A target's staged files at commit, by name (`StagedFile.file`), wherever the run keeps them. */
export interface StagedFiles {
  /** The file's bytes, streamed. */
  read(file: string): AsyncIterable<Uint8Array>;
  /** The file as a local path: copied into the staging folder first when it was carried elsewhere. */
  local(file: string): Promise<string>;
}

/**
 * A file of a staged part, named relative to the staging folder. A target's files, ordered by
 * `order`, hold its rows in `SUMMARY_ORDER_BY`: the parts of a run cover distinct days.
 */
export interface StagedFile {
  file: string;
  order: string;
  /** The one day (`YYYY-MM-DD`) the file holds, for outputs written by day. */
  day?: string;
}

/** An output written aside, made visible by commit or thrown away by abort. */
export interface PreparedOutput {
  target: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
  /** What the output did, for the run's report (e.g. rows replaced). */
  detail?: string;
}

/**
 * One kind of output. A run stages parts (a whole summary, or a day of it, each in any process),
 * then one commit prepares the output from every part and makes it visible.
 */
export interface Sink {
  /** Writes the rows of `source` aside: files in the staging folder, or rows into a staging table. */
  stage(source: SummarySource, staging: Staging): Promise<StagedFile[]>;
  /** The output made of every part's files, written aside (nothing visible until commit). `db` reads staged Parquet. */
  prepare(files: readonly StagedFile[], read: StagedFiles, staging: Staging, db: Connect): Promise<PreparedOutput>;
  /** Removes what `stage` left outside the staging folder (a run that will not commit), by staging id. */
  discard?(id: string): Promise<void>;
}

/** One output of a commit: its target (password redacted), time taken and what it did. */
export interface OutputTiming {
  target: string;
  ms: number;
  detail?: string;
}
