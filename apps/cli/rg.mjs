import { readFileSync, readdirSync } from 'node:fs';
const core = await import('@ocpsum/core');
const { decodePartial } = await import('@ocpsum/codec');
const merged = core.emptyPartial();
for (const f of readdirSync('/tmp/pf/parts')) decodePartial(readFileSync('/tmp/pf/parts/' + f), merged);
const pods = [...merged.pods.values()];
const t = (l, f) => { const s = performance.now(); const r = f(); console.log(l, (performance.now() - s).toFixed(0), 'ms'); return r; };
for (let rep = 0; rep < 2; rep++) {
t('keys', () => { let n = 0; for (const g of pods) n += core.groupKey(g.day, g.namespace, g.node, g.pod, g.labels).length; return n; });
t('keys+id', () => { let n = 0; for (const g of pods) n += core.groupKey(g.day, g.namespace, g.node, g.pod, 17).length; return n; });
t('spread', () => { const a = []; for (const g of pods) a.push({ ...g, labels: g.labels }); return a; });
t('map set keys', () => { const m = new Map(); for (const g of pods) m.set(core.groupKey(g.day, g.namespace, g.node, g.pod, g.labels), g); return m; });
t('nested map', () => { const m = new Map(); for (const g of pods) { let a = m.get(g.day); if (!a) m.set(g.day, a = new Map()); const k = core.groupKey(g.namespace, g.node, g.pod, g.labels); a.set(k, g); } return m; });
t('sort pods', () => pods.slice().sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.node < b.node ? -1 : a.node > b.node ? 1 : 0)));
}
