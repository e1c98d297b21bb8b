import { readFileSync, readdirSync } from 'node:fs';
const core = await import('@ocpsum/core');
const { decodePartial } = await import('@ocpsum/codec');
const merged = core.emptyPartial();
const files = readdirSync('/tmp/pf/parts');
console.log(files.length, files.slice(0,5));
for (const f of files) decodePartial(readFileSync('/tmp/pf/parts/' + f), merged);
console.log('pods', merged.pods.size, 'cap', merged.capacity.size, 'podNodes', merged.podNodes.size, 'storage', merged.storage.size, merged.rowsIn);
