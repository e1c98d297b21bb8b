import { DuckDBInstance } from '@duckdb/node-api';
const db = await (await DuckDBInstance.create(':memory:', { threads: '2' })).connect();
await db.run(`CREATE TABLE s AS SELECT * FROM read_csv('/tmp/m-10m.csv', header = true)`);
console.log((await db.runAndReadAll('SELECT count(*) FROM s')).getRows());
const time = async (label, sql) => { const t = performance.now(); await db.run(sql); console.log(label, (performance.now() - t).toFixed(0), 'ms'); };
const order = 'usage_start, namespace, node';
for (let i = 0; i < 2; i++) {
  await time('csv ordered', `COPY (SELECT * FROM s ORDER BY ${order}) TO '/tmp/x.csv' (FORMAT csv, HEADER true)`);
  await time('csv unordered', `COPY (SELECT * FROM s) TO '/tmp/x.csv' (FORMAT csv, HEADER true)`);
  await time('parquet ordered', `COPY (SELECT * FROM s ORDER BY ${order}) TO '/tmp/x.parquet' (FORMAT parquet)`);
  await time('parquet unordered', `COPY (SELECT * FROM s) TO '/tmp/x.parquet' (FORMAT parquet)`);
  await time('parquet zstd ordered', `COPY (SELECT * FROM s ORDER BY ${order}) TO '/tmp/x.parquet' (FORMAT parquet, COMPRESSION zstd)`);
}
