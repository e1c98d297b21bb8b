import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { StagedFiles, Staging } from './interfaces.js';

/** The staged files of target `index`, whose own staging is `staging`: in its folder, or as the run carried them. */
export function stagedFiles(staging: Staging, index: number): StagedFiles {
  const { carried, folder } = staging;
  if (!carried) {
    return {
      read: (file) => createReadStream(join(folder, file), { highWaterMark: 2 ** 20 }),
      local: async (file) => join(folder, file),
    };
  }
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
