import { DuckDBConnection } from '@duckdb/node-api';
const active = new Map();
let id = 0;
const peaks = [];
for (const name of ['run', 'runAndReadAll']) {
  const orig = DuckDBConnection.prototype[name];
  DuckDBConnection.prototype[name] = async function (sql, ...rest) {
    const k = ++id;
    const rec = { sql: String(sql).replace(/\s+/g, ' ').slice(0, 100), peak: 0, t: performance.now() };
    active.set(k, rec);
    try { return await orig.call(this, sql, ...rest); }
    finally { active.delete(k); rec.ms = performance.now() - rec.t; peaks.push(rec); }
  };
}
setInterval(() => {
  const rss = process.memoryUsage.rss() / 1048576;
  for (const r of active.values()) r.peak = Math.max(r.peak, rss);
}, 10).unref();
process.on('exit', () => {
  const top = peaks.filter((p) => p.peak > 0).sort((a, b) => b.peak - a.peak).slice(0, Number(process.env.TOP ?? 25));
  process.stderr.write(top.map((p) => `${p.peak.toFixed(0)} MB ${p.ms.toFixed(0)}ms ${p.sql}`).join('\n') + '\n');
});
