import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
const rows = readFileSync('/tmp/mem10.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const check = rows.find((r) => r.sql.includes('pod_usage_cpu_core_seconds AS DOUBLE') && r.sql.trim().startsWith('SELECT source_file'));
const groups = rows.find((r) => r.sql.includes('CREATE TEMP TABLE pod_groups'));
const db = await (await DuckDBInstance.create(':memory:', { threads: '2' })).connect();
const time = async (label, sql, params) => { const t = performance.now(); const r = await db.runAndReadAll(sql, params); console.log(label, (performance.now() - t).toFixed(0), 'ms', r.currentRowCount); };
const ungrouped = check.sql.replace('SELECT source_file,', 'SELECT').replace(/GROUP BY source_file\s*HAVING[^]*$/, '');
const nofile = ungrouped.replace(/, filename = true/g, '').replace(/, filename AS source_file/g, '');
for (let i = 0; i < 2; i++) {
  await time('check as is', check.sql, check.params);
  await time('ungrouped', ungrouped, check.params);
  await time('ungrouped no filename', nofile, check.params);
  await time('pod_groups', groups.sql.replace('CREATE TEMP TABLE pod_groups AS', ''), groups.params);
}
