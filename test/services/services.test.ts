import { connect } from 'node:net';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freePort, startPostgres, startRedis, startS3 } from '@ocpsum/services';

/** Whether anything accepts TCP connections on the port: after stop() nothing should. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('test harness', () => {
  it('finds a free port', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await listening(port)).toBe(false);
  });

  it('starts redis, keeps data across a restart with persistence, stops', async () => {
    const server = await startRedis({ persistence: true });
    try {
      const redis = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
      await redis.set('harness', 'kept');
      redis.disconnect();
      await server.restart();
      const again = new Redis(server.url, { maxRetriesPerRequest: 1 });
      expect(await again.get('harness')).toBe('kept');
      again.disconnect();
    } finally {
      await server.stop();
    }
    expect(await listening(server.port)).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
  });

  it('starts postgres with database ocpsum_test, stops', async () => {
    const server = await startPostgres();
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query('SELECT current_database() AS db');
      expect(rows[0].db).toBe('ocpsum_test');
      await client.end();
    } finally {
      await server.stop();
    }
    expect(await listening(server.port)).toBe(false);
  });

  it('starts s3rver with its buckets, restarts, stops', async () => {
    const server = await startS3({ buckets: ['ocpsum', 'second'] });
    try {
      // s3rver lets unsigned requests through: a bucket listing answers 200, an unknown bucket 404.
      expect((await fetch(`${server.endpoint}/second`)).status).toBe(200);
      expect((await fetch(`${server.endpoint}/missing-bucket`)).status).toBe(404);
      await server.restart();
      expect((await fetch(`${server.endpoint}/ocpsum`)).status).toBe(200);
    } finally {
      await server.stop();
    }
    expect(await listening(server.port)).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
  });
});
