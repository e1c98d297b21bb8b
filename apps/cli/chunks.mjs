process.env.DUCKDB_JE_MALLOC_CONF ??= process.env.JE;
const k = await import('@ocpsum/kernel');
const core = await import('@ocpsum/core');
const { openStore } = await import('@ocpsum/storage');
const { planChunks, readRowGroups } = await import('@ocpsum/fleet');
const { encodePartial } = await import('@ocpsum/codec');
const spec = core.runSpec({ org: 'org1234567', source: '6b2c0e7a-1f4d-4c55-9a3e-0c5e8d1a2b3c', year: 2025, month: 10, reference: { enabledKeys: ['app','environment','team','tier'], costCategories: [], nodeRoles: [] } });
const store = openStore(process.argv[2]);
const ds = await k.discoverDataset(store, spec);
const files = [];
for (const [type, list] of Object.entries(ds.files)) for (const o of list) files.push({ key: o.key, type, rowGroups: await readRowGroups(store, o) });
const chunks = planChunks(files, 250000);
const storageKeys = files.filter((f) => f.type === 'openshift_storage_usage_line_items').map((f) => f.key);
const engine = await k.openEngine(Number(process.argv[3] ?? 4));
await engine.db.run(process.env.DSET ?? 'SELECT 1');
const mb = (b) => (b / 1e6).toFixed(0);
for (let i = 0; i < Math.min(chunks.length, Number(process.argv[4] ?? 99)); i++) {
  const db = await engine.connect();
  const inputs = new Map();
  for (const r of [...chunks[i], ...storageKeys.map((key) => ({ key, type: 'openshift_storage_usage_line_items' }))]) inputs.set(r.key, { key: r.key, type: r.type, path: await store.localFile(r.key) });
  const ti = performance.now(); const h0 = process.memoryUsage().heapUsed;
  const schemas = new Map((await k.inspectFiles(db, [...inputs.values()])).map((s) => [s.key, s]));
  console.log("inspect", inputs.size, "files", (performance.now() - ti).toFixed(0), "ms", mb(process.memoryUsage().heapUsed - h0), "MB heap");
  const t = performance.now();
  const partial = await k.runKernel(db, { ranges: chunks[i].map((r) => ({ file: schemas.get(r.key), start: r.start, end: r.end })), storageFiles: storageKeys.map((key) => schemas.get(key)) }, spec);
  const bytes = encodePartial(partial);
  (await import('node:fs')).writeFileSync('/tmp/pf/parts/' + i + '.bin', bytes);
  const dm = (await db.runAndReadAll("select sum(memory_usage_bytes)::double m from duckdb_memory()")).getRowsJS()[0][0];
  db.closeSync(); if (globalThis.gc) globalThis.gc();
  const m = process.memoryUsage();
  console.log(i, chunks[i][0].type.slice(10, 14), chunks[i].length, 'files', (performance.now() - t).toFixed(0), 'ms rss', mb(m.rss), 'heap', mb(m.heapUsed), '/', mb(m.heapTotal), 'ext', mb(m.external + m.arrayBuffers), 'duck', mb(dm), 'pods', partial.pods.size, 'bytes', mb(bytes.length));
}
const { readFileSync } = await import('node:fs');
console.log(readFileSync('/proc/self/smaps_rollup', 'utf8').split('\n').filter(l => /Rss|Anon|File|Shmem/.test(l)).join('\n'));
const sm = readFileSync('/proc/self/smaps', 'utf8').split('\n'); let cur = ''; const agg = new Map();
for (const l of sm) { if (/^[0-9a-f]+-/.test(l)) { const p = l.trim().split(/\s+/); cur = p[5] ?? '[anon]'; } else if (l.startsWith('Rss:')) { agg.set(cur, (agg.get(cur) ?? 0) + Number(l.split(/\s+/)[1])); } }
console.log([...agg].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${(v/1024).toFixed(0)} MB ${k}`).join('\n'));
