import { DuckDBConnection } from '@duckdb/node-api';
import { writeFileSync, appendFileSync } from 'node:fs';
const file = process.env.DUMP;
writeFileSync(file, '');
for (const name of ['run', 'runAndReadAll']) {
  const orig = DuckDBConnection.prototype[name];
  DuckDBConnection.prototype[name] = async function (sql, params, ...rest) {
    const t = performance.now();
    try { return await orig.call(this, sql, params, ...rest); }
    finally { appendFileSync(file, JSON.stringify({ ms: performance.now() - t, sql: String(sql), params }) + '\n'); }
  };
}
