import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { findExecutable, launchInFolder, startChild, waitReady, type Child, type RestartOptions } from './processes.js';

export interface RedisServer {
  /** `redis://127.0.0.1:PORT`, or `redis://:PASSWORD@127.0.0.1:PORT` with a password. */
  url: string;
  port: number;
  /** Working folder (AOF files with persistence); removed by stop(). */
  dir: string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
  /** Stops and starts again on the same port and folder; with persistence the data survives (after a kill, to its last fsync). */
  restart(options?: RestartOptions): Promise<void>;
}

/**
 * A private redis-server on a free port, for one test file. `password` makes it require AUTH
 * (`requirepass`); the URL then carries it.
 */
export async function startRedis(options: { persistence?: boolean; password?: string } = {}): Promise<RedisServer> {
  const binary = findExecutable('redis-server');
  if (!binary) throw new Error('redis-server not found: install the Debian package redis-server');
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'ocpsum-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir];
  args.push('--appendonly', options.persistence ? 'yes' : 'no');
  if (options.password) args.push('--requirepass', options.password);

  const launch = async (): Promise<Child> => {
    const child = startChild('redis-server', binary, args, { cleanup: dir });
    await waitReady(child, () => ping(port, options.password));
    return child;
  };
  const server = await launchInFolder(dir, launch);
  return {
    url: options.password
      ? `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}`
      : `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop: server.stop,
    restart: server.restart,
  };
}

/**
 * True once the server answers PING (not while it is still loading its data, when it answers -LOADING);
 * with a password, after AUTH.
 */
function ping(port: number, password?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    // Inline commands split on spaces: a password is sent as a RESP array, so any password works.
    const auth = password ? `*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n` : '';
    const replies = password ? 2 : 1;
    socket.on('connect', () => socket.write(`${auth}PING\r\n`));
    socket.on('data', (data) => {
      reply += data.toString();
      const lines = reply.split('\r\n');
      if (lines.length > replies) done(lines[replies - 1].startsWith('+PONG') && (!password || lines[0] === '+OK'));
    });
  });
}
