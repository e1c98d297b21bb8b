import { DuckDBInstance } from '@duckdb/node-api';
const orig = DuckDBInstance.create;
const extra = JSON.parse(process.env.DDB_OPTS || '{}');
DuckDBInstance.create = function (path, opts) { return orig.call(this, path, { ...opts, ...extra }); };
