import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { launchInFolder, startChild, waitReady, type Child } from './processes.js';

export interface S3Server {
  /** `http://127.0.0.1:PORT`; use path-style addressing. */
  endpoint: string;
  port: number;
  /** s3rver's fixed account; field names match S3StoreOptions so a test can spread them in. */
  accessKeyId: string;
  secretAccessKey: string;
  dir: string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
  /** Stops and starts again on the same port and folder; objects survive. */
  restart(): Promise<void>;
}

/**
 * s3rver in a child process (not in-process), so a test can stop it to see how clients fail, and so its
 * logging and event-loop work stay out of the test process.
 */
export async function startS3(options: { buckets?: string[] } = {}): Promise<S3Server> {
  const bin = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'ocpsum-s3rver-'));
  const buckets = options.buckets ?? ['ocpsum'];
  // s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only has in its legacy
  // provider: without this flag every listing longer than one page (1000 keys) fails with HTTP 500.
  const args = [
    '--openssl-legacy-provider',
    bin,
    '--directory',
    dir,
    '--address',
    '127.0.0.1',
    '--port',
    String(port),
    '--silent',
  ];
  for (const bucket of buckets) args.push('--configure-bucket', bucket);

  const launch = async (): Promise<Child> => {
    const child = startChild('s3rver', process.execPath, args, { cleanup: dir });
    // The CLI prints this line only after the buckets exist.
    await waitReady(child, async () => child.output().includes('S3rver listening on'));
    return child;
  };
  const server = await launchInFolder(dir, launch);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    dir,
    stop: server.stop,
    restart: server.restart,
  };
}
