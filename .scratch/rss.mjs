import { DuckDBConnection } from '@duckdb/node-api';
const out = [];
let peak = 0;
for (const name of ['run', 'runAndReadAll', 'stream', 'streamAndReadAll']) {
  const orig = DuckDBConnection.prototype[name];
  if (!orig) continue;
  DuckDBConnection.prototype[name] = async function (sql, ...rest) {
    const t = performance.now();
    const r = await orig.call(this, sql, ...rest);
    const rss = process.memoryUsage().rss / 1048576;
    out.push(`${(performance.now() - t).toFixed(0).padStart(5)}ms rss ${rss.toFixed(0)} ${String(sql).replace(/\s+/g, ' ').slice(0, 110)}`);
    return r;
  };
}
process.on('exit', () => { if (process.env.RSSLOG) require('fs'); });
process.on('exit', () => { process.stderr.write(out.join('\n') + '\n'); });
