import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// V8 collects lazily: a worker's heap grew with each chunk's dead columns to several times its live
// size before a full collection. One collection after each job keeps a worker flat at any dataset
// size. `gc` is V8's own, made reachable without asking every launcher for --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A full garbage collection; about 30–50 ms with a worker's live heap. */
export function collectGarbage(): void {
  gc();
}
