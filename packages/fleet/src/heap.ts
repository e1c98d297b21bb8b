import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// V8 collects lazily: a worker's heap grows with each chunk's dead columns to several times its live
// size before a full collection. One collection after each job keeps a worker flat at any dataset
// size. `gc` is V8's own, made reachable (on first use, not for every process that loads the fleet)
// without asking every launcher for --expose-gc.
let gc: (() => void) | undefined;

/** A full garbage collection: it pauses the process, so a worker runs it between jobs. */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
