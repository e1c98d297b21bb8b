const k = await import('@ocpsum/kernel');
const core = await import('@ocpsum/core');
const { openStore } = await import('@ocpsum/storage');
const { planChunks, readRowGroups } = await import('@ocpsum/fleet');
const { podUsageQuery } = await import('../../packages/kernel/dist/sql/pod-usage.js');
const { inputChecksQuery } = await import('../../packages/kernel/dist/sql/input-checks.js');
const { INPUT_COLUMNS } = await import('../../packages/kernel/dist/input-schema.js');
const { readColumns } = await import('../../packages/kernel/dist/read-columns.js');
const { volumePodTable } = await import('../../packages/kernel/dist/volume-pod-tables.js');
const spec = core.runSpec({ org: 'org1234567', source: '6b2c0e7a-1f4d-4c55-9a3e-0c5e8d1a2b3c', year: 2025, month: 10, reference: { enabledKeys: ['app','environment','team','tier'], costCategories: [], nodeRoles: [] } });
const store = openStore(process.argv[2]);
const ds = await k.discoverDataset(store, spec);
const files = [];
for (const [type, list] of Object.entries(ds.files)) for (const o of list) files.push({ key: o.key, type, rowGroups: await readRowGroups(store, o) });
const chunks = planChunks(files, 250000);
const storageKeys = files.filter((f) => f.type === 'openshift_storage_usage_line_items').map((f) => f.key);
const engine = await k.openEngine(Number(process.argv[3] ?? 2));
const db = engine.db;
const T = {};
const time = async (l, f) => { const s = performance.now(); const r = await f(); T[l] = (T[l] ?? 0) + performance.now() - s; return r; };
const rules = INPUT_COLUMNS.openshift_pod_usage_line_items.filter((r) => r.kind === 'number');
const { first, last } = core.monthBounds(2025, 10);
for (let c = 0; c < 12; c++) {
  const chunk = chunks[c];
  const inputs = new Map();
  for (const x of [...chunk, ...storageKeys.map((key) => ({ key, type: 'openshift_storage_usage_line_items' }))]) inputs.set(x.key, { key: x.key, type: x.type, path: await store.localFile(x.key) });
  const schemas = new Map((await k.inspectFiles(db, [...inputs.values()])).map((s) => [s.key, s]));
  const ranges = chunk.map((x) => ({ file: schemas.get(x.key), start: x.start, end: x.end }));
  const vp = await time('volume', () => volumePodTable(db, storageKeys.map((k) => schemas.get(k))));
  const params = { start: spec.startDate, end: spec.endDate };
  await time('checks', () => db.runAndReadAll(inputChecksQuery(ranges, rules.filter(r=>r.required).map(r=>r.name), rules.filter(r=>!r.required).map(r=>r.name)), { first, last }));
  await time('pod->table', () => db.run(`CREATE OR REPLACE TEMP TABLE t1 AS ${podUsageQuery(ranges, false, vp)}`, params));
  await time('readColumns(table)', () => readColumns(db, 'SELECT * FROM t1', {}));
  await time('vectors(table)', async () => {
    const res = await db.stream('SELECT * FROM t1');
    const names = res.columnNames();
    const out = names.map(() => []);
    for (;;) {
      const chunk = await res.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (let c = 0; c < names.length; c++) {
        const v = chunk.getColumnVector(c); const o = out[c];
        for (let i = 0; i < chunk.rowCount; i++) o.push(v.getItem(i));
      }
    }
    return out;
  });
  await time('vectors(query)', async () => {
    const res = await db.stream(podUsageQuery(ranges, false, vp), params);
    const names = res.columnNames();
    const out = names.map(() => []);
    for (;;) {
      const chunk = await res.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (let c = 0; c < names.length; c++) {
        const v = chunk.getColumnVector(c); const o = out[c];
        for (let i = 0; i < chunk.rowCount; i++) o.push(v.getItem(i));
      }
    }
    return out;
  });
  await time('readColumns(query)', () => readColumns(db, podUsageQuery(ranges, false, vp), params));
}
console.log(Object.entries(T).map(([k, v]) => `${k} ${(v/12).toFixed(0)} ms`).join(', '));
