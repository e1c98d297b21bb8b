import { readFileSync, readdirSync } from 'node:fs';
const core = await import('@ocpsum/core');
const { decodePartial } = await import('@ocpsum/codec');
const { writeOutputs } = await import('@ocpsum/sinks');
const spec = core.runSpec({ org: 'org1234567', source: '6b2c0e7a-1f4d-4c55-9a3e-0c5e8d1a2b3c', year: 2025, month: 10, reference: { enabledKeys: ['app','environment','team','tier'], costCategories: [], nodeRoles: [] } });
const bufs = readdirSync('/tmp/pf/parts').map((f) => readFileSync('/tmp/pf/parts/' + f));
let t = performance.now();
const lap = (l) => { const n = performance.now(); console.log(l, ((n - t) / 1000).toFixed(2), 's rss', (process.memoryUsage().rss / 1e6).toFixed(0)); t = n; };
let dec = 0;
const merged = core.emptyPartial();
const into = process.env.INTO;
for (const b of bufs) { const s = performance.now(); if (into) decodePartial(b, merged); else { const p = decodePartial(b); core.mergeInto(merged, p); } dec += performance.now() - s; }
console.log('decode part', (dec / 1000).toFixed(2));
lap('merge');
const { rows } = core.finalize(merged, spec);
lap('finalize');
await writeOutputs([process.argv[2] ?? '/tmp/pf/red.csv'], rows, spec);
lap('sink');
