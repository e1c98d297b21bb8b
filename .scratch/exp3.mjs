import { DuckDBInstance } from '@duckdb/node-api';
const [limit, threads, pio, what] = process.argv.slice(2);
const db = await (await DuckDBInstance.create(':memory:', { threads, memory_limit: limit, temp_directory: '/tmp/ddbspill' })).connect();
await db.run(`CREATE TABLE s AS SELECT * FROM read_csv('/tmp/m-10m.csv', header = true)`);
await db.run(`SET preserve_insertion_order = ${pio}`);
let peak = 0; const base = process.memoryUsage.rss();
const iv = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 5);
const t = performance.now();
const order = 'data_source, usage_start, namespace, node, resource_id, pod_labels, persistentvolumeclaim';
const sql = {
  csv: `COPY (SELECT * FROM s ORDER BY ${order}) TO '/tmp/x.csv' (FORMAT csv, HEADER true)`,
  csvno: `COPY (SELECT * FROM s) TO '/tmp/x.csv' (FORMAT csv, HEADER true)`,
  sort: `CREATE TABLE t AS SELECT * FROM s ORDER BY ${order}`,
  pq: `COPY (SELECT * FROM s ORDER BY ${order}) TO '/tmp/x.parquet' (FORMAT parquet)`,
}[what];
await db.run(sql);
clearInterval(iv);
console.log(what, `limit ${limit} threads ${threads} pio ${pio}:`, (performance.now() - t).toFixed(0), 'ms; base', (base / 1048576) | 0, 'peak', (peak / 1048576) | 0, 'MB');
