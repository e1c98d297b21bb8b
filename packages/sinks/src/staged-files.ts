import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { StagedFiles, Staging } from './interfaces.js';

/** Target `index`'s staged files in `folder` (its own staging folder), or as the run carried them. */
export function stagedFiles(staging: Staging, index: number, folder: string): StagedFiles {
  const { carried } = staging;
  if (!carried)
    return { read: (file) => createReadStream(join(folder, file)), local: async (file) => join(folder, file) };
  return {
    read: (file) => carried(index, file),
    async local(file) {
      const path = join(folder, file);
      await mkdir(folder, { recursive: true });
      await pipeline(carried(index, file), createWriteStream(path));
      return path;
    },
  };
}
