import { DuckDBInstance } from '@duckdb/node-api';
const k = await import('@ocpsum/kernel');
const core = await import('@ocpsum/core');
const { openStore } = await import('@ocpsum/storage');
const { podUsageQuery } = await import('../../packages/kernel/dist/sql/pod-usage.js');
const { inputChecksQuery } = await import('../../packages/kernel/dist/sql/input-checks.js');
const { INPUT_COLUMNS } = await import('../../packages/kernel/dist/input-schema.js');
const spec = core.runSpec({ org: 'org1234567', source: '6b2c0e7a-1f4d-4c55-9a3e-0c5e8d1a2b3c', year: 2025, month: 10, reference: { enabledKeys: ['app','environment','team','tier'], costCategories: [], nodeRoles: [] } });
const store = openStore(process.argv[2]);
const ds = await k.discoverDataset(store, spec);
const engine = await k.openEngine(Number(process.argv[3] ?? 4));
const inputs = [];
for (const [type, objects] of Object.entries(ds.files)) for (const { key } of objects) inputs.push({ key, path: await store.localFile(key), type });
const files = await k.inspectFiles(engine.db, inputs);
const pods = files.filter(f => f.type === 'openshift_pod_usage_line_items').map(file => ({ file, start: 0, end: file.rows }));
const t = async (l, sql, p) => { const s = performance.now(); const r = await engine.db.runAndReadAll(sql, p); console.log(l, ((performance.now()-s)/1000).toFixed(2), 's', r.currentRowCount); };
const rules = INPUT_COLUMNS.openshift_pod_usage_line_items.filter((r) => r.kind === 'number');
const { first, last } = core.monthBounds(2025, 10);
await t('checks', inputChecksQuery(pods, rules.filter(r=>r.required).map(r=>r.name), rules.filter(r=>!r.required).map(r=>r.name)), { first, last });
const params = { start: spec.startDate, end: spec.endDate };
await t('pod no volume', `SELECT count(*) FROM (${podUsageQuery(pods, false, null)})`, params);
await engine.db.run(`CREATE TABLE vp AS SELECT 'x' AS namespace, 'y' AS pod`);
await t('pod with vp', `SELECT count(*) FROM (${podUsageQuery(pods, false, 'vp')})`, params);
await t('pod materialize', `CREATE TABLE r1 AS ${podUsageQuery(pods, false, 'vp')}`, params);
const names = (await engine.db.runAndReadAll(`DESCRIBE SELECT * FROM r1`)).getColumnsObjectJS().column_name;
await t('json lists', `SELECT ${names.map((c) => `coalesce(to_json(list(${c})), '[]')::VARCHAR AS ${c}`).join(', ')} FROM r1`);
await t('raw scan', `SELECT count(*), sum(pod_usage_cpu_core_seconds), count(distinct pod_labels) FROM read_parquet([${pods.map(p=>`'${p.file.path}'`).join(',')}])`);
const strCols = names.filter((c) => ['kind','day','namespace','node','pod','pod_labels','vp_namespace','vp_pod','resource_id'].includes(c));
const numCols = names.filter((c) => !strCols.includes(c));
await t('json strings only', `SELECT ${strCols.map((c) => `coalesce(to_json(list(${c})), '[]')::VARCHAR AS ${c}`).join(', ')} FROM r1`);
await t('json nums only', `SELECT ${numCols.map((c) => `coalesce(to_json(list(${c})), '[]')::VARCHAR AS ${c}`).join(', ')} FROM r1`);
for (const cols of [names, numCols, strCols]) {
  const s = performance.now();
  const res = await engine.db.stream(`SELECT ${cols.join(', ')} FROM r1`);
  const out = cols.map(() => []);
  let n = 0;
  for (;;) {
    const chunk = await res.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (let c = 0; c < cols.length; c++) {
      const v = chunk.getColumnVector(c); const o = out[c];
      for (let i = 0; i < chunk.rowCount; i++) o.push(v.getItem(i));
    }
    n += chunk.rowCount;
  }
  console.log('vectors', cols.length, ((performance.now()-s)/1000).toFixed(2), 's', n);
}
