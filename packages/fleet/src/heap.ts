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

/**
 * The chunks of `source`, with a collection after each `bytes` of them. V8 frees spent Redis reply
 * buffers only once a lot of them are garbage, so a commit streaming its staged output through them
 * would hold far more than it reads at a time (README, "Benchmark", has both figures).
 */
export async function* collectingEvery(bytes: number, source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let since = 0;
  for await (const chunk of source) {
    yield chunk;
    since += chunk.length;
    if (since >= bytes) {
      since = 0;
      collectGarbage();
      // The freed buffers are released off the main thread: let that run before the next ones come.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
