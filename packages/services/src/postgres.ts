import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';
import { findExecutable, startChild, stopChild, waitReady, type Child } from './processes.js';

const run = promisify(execFile);

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:PORT/ocpsum_test` (trust authentication, no password). */
  url: string;
  port: number;
  /** Stops the server (fast shutdown: open connections are closed) and removes its folder. */
  stop(): Promise<void>;
}

/** A private PostgreSQL cluster (initdb in a temp folder) on a free port, with database ocpsum_test. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findBinaries();
  const owner = await serverUser();
  const dir = await mkdtemp(join(tmpdir(), 'ocpsum-pg-'));
  let child: Child | undefined;
  try {
    if (owner) await chown(dir, owner.uid, owner.gid);
    // uid/gid make Node drop root for the child (libuv also drops root's extra groups); cwd is a folder the
    // postgres user can enter, since it may not be allowed into the project folder.
    const as = { ...owner, cwd: dir, env: { ...process.env, LC_ALL: 'C' } };
    const data = join(dir, 'data');
    try {
      await run(
        bin.initdb,
        ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
        as,
      );
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`initdb failed (${bin.initdb}):\n${stdout}${stderr}`);
    }
    const port = await freePort();
    // Durability settings off: a test cluster is thrown away, and fsync dominates its run time otherwise.
    const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'];
    args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
    // SIGINT is a fast shutdown (clients are disconnected; SIGTERM would wait for them to leave); SIGQUIT is
    // the immediate one. Either way the postmaster takes its backends down with it, which SIGKILL would not.
    const server = startChild('postgres', bin.postgres, args, {
      ...as,
      stopSignals: ['SIGINT', 'SIGQUIT', 'SIGKILL'],
      exitSignal: 'SIGQUIT',
      cleanup: dir,
    });
    child = server;
    const admin = { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' };
    await waitReady(server, () => canConnect(admin));
    const client = new pg.Client(admin);
    await client.connect();
    await client.query('CREATE DATABASE ocpsum_test');
    await client.end();
    return {
      url: `postgres://postgres@127.0.0.1:${port}/ocpsum_test`,
      port,
      async stop() {
        await stopChild(server);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (child) await stopChild(child);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** initdb and postgres from Debian's versioned folders (highest version first), else from PATH. */
function findBinaries(): { initdb: string; postgres: string } {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+(\.\d+)?$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const dir = join(root, version, 'bin');
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) {
      return { initdb: join(dir, 'initdb'), postgres: join(dir, 'postgres') };
    }
  }
  const initdb = findExecutable('initdb');
  const postgres = findExecutable('postgres');
  if (initdb && postgres) return { initdb, postgres };
  throw new Error('PostgreSQL server not found: install the Debian package postgresql');
}

/**
 * PostgreSQL refuses to run as root. As root, the server runs as the `postgres` system user (which the
 * Debian package creates); as anyone else, as the current user (undefined: no change).
 */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    if (uid > 0) return { uid, gid };
  } catch {
    // No such user; explained below.
  }
  throw new Error(
    'running as root and there is no "postgres" user to run PostgreSQL as (it refuses root): ' +
      'install the Debian package postgresql, or run the tests as a normal user',
  );
}

async function canConnect(config: pg.ClientConfig): Promise<boolean> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 1000 });
  // A refused or "starting up" connection emits 'error' as well as rejecting; keep it from going unhandled.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
