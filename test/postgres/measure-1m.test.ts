/**
 * A measurement, not a timed assertion (opt-in: OCPSUM_MEASURE_PG=1, about a minute): the
 * PostgreSQL sink's write time for the summary of 1M generated pod usage rows, into an empty
 * table and then replacing the same rows, on a private server. The CLI's `sink` line gives it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { startPostgres } from '@ocpsum/services';
import { cli, pgUrl } from './setup.js';

test.skipIf(!process.env.OCPSUM_MEASURE_PG)(
  'PostgreSQL write time for the output of 1M input rows',
  async () => {
    const server = await startPostgres();
    const work = await mkdtemp(join(tmpdir(), 'ocpsum-pg-1m-'));
    try {
      const root = join(work, 'root');
      const generated = await cli(['generate', '--out', root, '--rows', '1000000']);
      const run = [
        'run',
        '--root',
        root,
        '--year',
        '2025',
        '--month',
        '10',
        '--pg',
        pgUrl(server.port),
        '--pg-schema',
        'bench',
      ];
      const lines: string[] = [generated.stdout.split('\n')[0]];
      for (const what of ['into an empty table', 'replacing the same rows']) {
        const { stdout } = await cli(run);
        const sink = stdout.split('\n').find((l) => l.startsWith('sink   postgres://'));
        expect(sink, stdout).toBeDefined();
        lines.push(
          `${what}:`,
          ...stdout
            .trim()
            .split('\n')
            .map((l) => `  ${l}`),
        );
      }
      console.log(lines.join('\n'));
    } finally {
      await server.stop();
      await rm(work, { recursive: true, force: true });
    }
  },
  900_000,
);
