
if (process.argv[2]) process.env.DUCKDB_JE_MALLOC_CONF = "dirty_decay_ms:0,muzzy_decay_ms:0";
const d = await import("@duckdb/node-api");
const i = await d.DuckDBInstance.create(':memory:'); const c = await i.connect();
await c.run("create table t as select range a, range::varchar b from range(5000000)");
await c.run("drop table t");
console.log(process.argv[2] ?? 'default', (process.memoryUsage().rss/1e6).toFixed(0));
