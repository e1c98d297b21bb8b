import { createServer, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUES, queuePrefix } from '@ocpsum/fleet';
import { basicAuthChecker, type Credentials } from './auth.js';
import type { FleetMetrics } from './metrics.js';

export interface OpsServerOptions {
  redisUrl: string;
  prefix: string;
  host: string;
  /** 0: any free port (the server's `port` says which). */
  port: number;
  metrics: FleetMetrics;
  /** Serves every other path (the board). */
  app?: RequestListener;
  /** Basic auth for everything but /healthz. */
  auth?: Credentials;
  /** How long /healthz waits for PONG. */
  healthTimeoutMs?: number;
}

export interface OpsServer {
  url: string;
  port: number;
  /** Stops listening, drops open connections, closes its Redis connection. */
  close(): Promise<void>;
}

const STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'paused',
  'completed',
  'failed',
] as const;

/**
 * A process's operations endpoint: `/metrics` (Prometheus), `/healthz` (200 `{"redis":"ok"}` when
 * Redis answers PING, else 503), and optionally an app (the board) on every other path.
 * It has its own Redis connection that fails fast, so a scrape or probe never waits for Redis.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const redis = new Redis(options.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let lastError = '';
  redis.on('error', (error: Error) => (lastError = error.message)); // Reported by /healthz; reconnects on its own.
  await redis.connect().catch(() => {});
  const prefix = queuePrefix(options.prefix);
  const queues = Object.values(QUEUES).map((name) => new Queue(name, { connection: redis, prefix }));
  for (const queue of queues) queue.on('error', () => {});
  const timeoutMs = options.healthTimeoutMs ?? 1_000;
  options.metrics.trackQueueDepth(async () => {
    const counts = await withTimeout(Promise.all(queues.map((q) => q.getJobCounts(...STATES))), timeoutMs);
    return Object.fromEntries(queues.map((q, i) => [q.name, counts[i]]));
  });

  const authorized = options.auth ? basicAuthChecker(options.auth) : () => true;
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') return void health(redis, () => lastError, timeoutMs, response);
    if (!authorized(request)) {
      response.writeHead(401, {
        'WWW-Authenticate': 'Basic realm="ocpsum", charset="UTF-8"',
        'Content-Type': 'text/plain',
      });
      return void response.end('authentication required\n');
    }
    if (path === '/metrics') return void metrics(options.metrics, response);
    if (options.app) return options.app(request, response);
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
  });
  server.keepAliveTimeout = 5_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await Promise.all(queues.map((q) => q.close().catch(() => {})));
    redis.disconnect();
    throw listenError(error as NodeJS.ErrnoException, options.host, options.port);
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await Promise.all(queues.map((q) => q.close().catch(() => {})));
      redis.disconnect();
    },
  };
}

async function health(
  redis: Redis,
  lastError: () => string,
  timeoutMs: number,
  response: ServerResponse,
): Promise<void> {
  let body: { redis: string; error?: string };
  if (redis.status !== 'ready') {
    body = { redis: 'unreachable', error: `connection ${redis.status}${lastError() ? `: ${lastError()}` : ''}` };
  } else
    try {
      const pong = await withTimeout(redis.ping(), timeoutMs);
      body = pong === 'PONG' ? { redis: 'ok' } : { redis: 'error', error: `unexpected reply ${pong}` };
    } catch (error) {
      body = { redis: 'unreachable', error: (error as Error).message };
    }
  response.writeHead(body.redis === 'ok' ? 200 : 503, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
  });
  response.end(JSON.stringify(body));
}

async function metrics(fleet: FleetMetrics, response: ServerResponse): Promise<void> {
  try {
    const text = await fleet.expose();
    response.writeHead(200, { 'Content-Type': fleet.contentType() }).end(text);
  } catch (error) {
    response.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics failed: ${(error as Error).message}\n`);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    return new Error(
      `cannot listen on ${host}:${port}: the port is in use (another ocpsum process on this host?); choose another port, or 0 for any free port`,
    );
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
    return new Error(`cannot listen on ${host}:${port}: no such local address`);
  if (error.code === 'EACCES')
    return new Error(`cannot listen on ${host}:${port}: permission denied (ports below 1024 need privileges)`);
  return new Error(`cannot listen on ${host}:${port}: ${error.message}`);
}
