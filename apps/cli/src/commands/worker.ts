import { Command } from 'commander';
import { FleetWorker } from '@ocpsum/fleet';
import { integer } from '../dataset-options.js';
import { addFleetOptions, type FleetFlags } from '../fleet-options.js';
import { closeOnSignal } from '../lifecycle.js';
import { connectRedis, redactUrl } from '../redis.js';

export function workerCommand(): Command {
  return addFleetOptions(new Command('worker').description('process chunk and whole-dataset jobs; start as many as you like'))
    .option('--threads <n>', 'DuckDB threads of this worker', integer('--threads', 1, 256), 4)
    .option('--concurrency <n>', 'jobs processed at once', integer('--concurrency', 1, 64), 1)
    .option('--partial-ttl <seconds>', 'how long partial aggregates stay in Redis', integer('--partial-ttl', 60, 30 * 86_400), 86_400)
    .action(async (flags: FleetFlags & { threads: number; concurrency: number; partialTtl: number }) => {
      (await connectRedis(flags.redis)).disconnect();
      const worker = await FleetWorker.start({
        redisUrl: flags.redis,
        prefix: flags.prefix,
        threads: flags.threads,
        concurrency: flags.concurrency,
        partialTtl: flags.partialTtl,
      });
      console.error(`worker ${process.pid}: ${flags.threads} threads, concurrency ${flags.concurrency}, ${redactUrl(flags.redis)} prefix {${flags.prefix}}`);
      closeOnSignal('worker', () => worker.close());
    });
}
