import type { FileRange, InputFile } from '@ocpsum/input';
import { localFiles, type ObjectStore } from '@ocpsum/storage';
import type { Chunk } from './kernel.js';

/** Fetches the objects of row ranges and of the storage files pods are joined to: → kernel input. */
export async function loadChunk(
  store: ObjectStore,
  ranges: readonly FileRange[],
  storage: readonly InputFile[],
): Promise<Chunk> {
  const wanted = new Map<string, InputFile>();
  for (const file of [...ranges.map((r) => r.file), ...storage]) wanted.set(file.key, file);
  const local = new Map((await localFiles(store, [...wanted.values()])).map((f) => [f.key, f]));
  return {
    ranges: ranges.map((r) => ({ file: local.get(r.file.key)!, start: r.start, end: r.end })),
    storageFiles: storage.map(({ key }) => local.get(key)!),
  };
}
