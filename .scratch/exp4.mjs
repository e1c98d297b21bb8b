import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
const rows = readFileSync('/tmp/mem10.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const g = rows.find((r) => r.sql.includes('CREATE TEMP TABLE pod_groups'));
const check = rows.find((r) => r.sql.includes('pod_usage_cpu_core_seconds AS DOUBLE') && r.sql.trim().startsWith('SELECT source_file'));
const db = await (await DuckDBInstance.create(':memory:', { threads: '2' })).connect();
const base = g.sql.replace('CREATE TEMP TABLE pod_groups AS', '');
const cols = ['usage_cpu','request_cpu','limit_cpu','usage_mem','request_mem','limit_mem','capacity_cores','capacity_bytes','effective_cpu','effective_mem'];
const bad = `count_if(${cols.map((c) => `${c} < 0 OR NOT isfinite(${c})`).join(' OR ')}) AS bad,\n  max(capacity_bytes)`;
const withBad = base.replace(/max\(capacity_bytes\)(?= AS capacity_bytes\nFROM)/, bad);
const tsOnly = check.sql.replace(/SELECT source_file,[^]*?FROM \(/, 'SELECT count_if(ts IS NULL), min(ts), max(ts) FROM (').replace(/GROUP BY source_file[^]*$/, '');
const time = async (label, sql, params) => { const t = performance.now(); const r = await db.runAndReadAll(sql, params); console.log(label, (performance.now() - t).toFixed(0), 'ms', r.currentRowCount); };
for (let i = 0; i < 3; i++) {
  await time('pod_groups', base, g.params);
  await time('pod_groups + bad', withBad, g.params);
  await time('check', check.sql, check.params);
  await time('check ts+numbers ungrouped (all cols)', tsOnly, check.params);
}
