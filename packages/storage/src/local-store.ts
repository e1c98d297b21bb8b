import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectInfo, ObjectStore } from './interfaces.js';
import { checkKey } from './keys.js';

/** A local folder as an object store; keys are paths below it. */
export class LocalStore implements ObjectStore {
  readonly root: string;

  constructor(folder: string) {
    this.root = resolve(folder);
  }

  private path(key: string): string {
    return join(this.root, ...checkKey(key).split('/'));
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    checkKey(prefix);
    // Walk from the deepest folder the prefix names, so a month prefix does not scan the whole root.
    const slash = prefix.lastIndexOf('/');
    const base = slash < 0 ? '' : prefix.slice(0, slash);
    const found: string[] = [];
    await this.walk(base, found);
    found.sort();
    for (const key of found) {
      if (key.startsWith(prefix)) yield await this.head(key);
    }
  }

  async folders(prefix: string): Promise<string[]> {
    checkKey(prefix);
    try {
      const entries = await readdir(prefix ? this.path(prefix.replace(/\/$/, '')) : this.root, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return [];
      throw error;
    }
  }

  private async walk(folderKey: string, found: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(folderKey ? this.path(folderKey) : this.root, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const key = folderKey ? `${folderKey}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await this.walk(key, found);
      else if (entry.isFile() && !entry.name.startsWith('.')) found.push(key);
    }
  }

  async head(key: string): Promise<ObjectInfo> {
    const info = await stat(this.path(key));
    return { key, size: info.size, etag: `${info.size}-${Math.trunc(info.mtimeMs)}` };
  }

  async getRange(key: string, start: number, end: number): Promise<Buffer> {
    const handle = await open(this.path(key), 'r');
    try {
      const buffer = Buffer.alloc(Math.max(0, end - start));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  // async, so a bad key rejects the promise like every other method instead of throwing synchronously.
  async get(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  /** Writes through a temporary name and renames, so readers never see half an object. */
  async put(key: string, body: Buffer | Readable): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const temporary = join(dirname(target), `.${process.pid}.${Date.now()}.tmp`);
    const out = createWriteStream(temporary);
    if (Buffer.isBuffer(body)) {
      await new Promise<void>((done, fail) => out.end(body, () => done()).on('error', fail));
    } else {
      await pipeline(body, out);
    }
    await rename(temporary, target);
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async localFile(key: string): Promise<string> {
    const path = this.path(key);
    if (!path.startsWith(this.root + sep)) throw new Error(`invalid object key "${key}"`);
    return path;
  }

  async close(): Promise<void> {}
}
