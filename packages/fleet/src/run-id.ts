import { createHash } from 'node:crypto';
import type { RunSpec } from '@ocpsum/core';
import type { ObjectInfo } from '@ocpsum/storage';

/**
 * A run is named by what it computes: the same spec over the same input objects (by ETag) and the
 * same outputs gives the same id, so enqueueing it again finds the run already there.
 */
export function runIdOf(
  root: string,
  spec: RunSpec,
  objects: readonly ObjectInfo[],
  outputs: readonly string[],
): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ root, spec, outputs: [...outputs].sort() }));
  for (const o of [...objects].sort((a, b) => (a.key < b.key ? -1 : 1)))
    hash.update(`\n${o.key}\t${o.etag}\t${o.size}`);
  return hash.digest('hex').slice(0, 24);
}
