import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { PreparedOutput } from './interfaces.js';

/**
 * A local file output written aside: `write` fills a temporary file beside the target, commit
 * renames it into place, abort removes it.
 */
export async function prepareFile(
  target: string,
  write: (temporary: string) => Promise<void>,
): Promise<PreparedOutput> {
  const path = resolve(target);
  await mkdir(dirname(path), { recursive: true });
  await removeDeadTemporaries(path);
  const temporary = temporaryName(path, process.pid);
  try {
    await write(temporary);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return {
    target: path,
    commit: () => rename(temporary, path),
    abort: () => rm(temporary, { force: true }),
  };
}

/** Where a file output is written aside: named by host and process, so a dead writer's copy can be told apart. */
function temporaryName(path: string, pid: number): string {
  return `${path}.${hostname()}.${pid}.tmp`;
}

/**
 * Removes the copies that writers of this host left when they died mid-write (a reducer killed
 * while writing the sinks): the next write of the same file tidies after them.
 */
async function removeDeadTemporaries(path: string): Promise<void> {
  const prefix = `${basename(path)}.${hostname()}.`;
  for (const name of await readdir(dirname(path))) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length, -'.tmp'.length));
    if (Number.isSafeInteger(pid) && pid > 0 && !isRunning(pid)) await rm(join(dirname(path), name), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
