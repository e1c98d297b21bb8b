import { readFileSync, readdirSync } from 'node:fs';
const core = await import('@ocpsum/core');
const { decodePartial } = await import('@ocpsum/codec');
const bufs = readdirSync('/tmp/pf/parts').map((f) => readFileSync('/tmp/pf/parts/' + f));
const s = performance.now();
const merged = core.emptyPartial();
for (const b of bufs) decodePartial(b, merged);
console.log('decode+merge', ((performance.now() - s) / 1000).toFixed(2));
