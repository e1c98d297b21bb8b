const d = await import('@duckdb/node-api');
const i = await d.DuckDBInstance.create(':memory:'); const c = await i.connect();
console.log((await c.runAndReadAll("select name, value, description from duckdb_settings() where name ilike '%alloc%' or name ilike '%memory%' or name ilike '%buffer%' or name ilike '%cache%'")).getRowsJS().map(r => r.join(' | ')).join('\n'));
