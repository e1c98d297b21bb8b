import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { findExecutable, startChild, stopChild, waitReady, type Child } from './processes.js';

export interface RedisServer {
  url: string;
  port: number;
  /** Working folder (AOF files with persistence); removed by stop(). */
  dir: string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
  /** Stops and starts again on the same port and folder (with persistence the data survives). */
  restart(): Promise<void>;
}

/** A private redis-server on a free port, for one test file. */
export async function startRedis(options: { persistence?: boolean } = {}): Promise<RedisServer> {
  const binary = findExecutable('redis-server');
  if (!binary) throw new Error('redis-server not found: install the Debian package redis-server');
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'ocpsum-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir];
  args.push('--appendonly', options.persistence ? 'yes' : 'no');

  const launch = async (): Promise<Child> => {
    const child = startChild('redis-server', binary, args, { cleanup: dir });
    await waitReady(child, () => ping(port));
    return child;
  };
  let child: Child;
  try {
    child = await launch();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
    async restart() {
      await stopChild(child);
      child = await launch();
    },
  };
}

/** True once the server answers PING (not while it is still loading its data, when it answers -LOADING). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      reply += data.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
